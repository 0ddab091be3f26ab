"""The performance benchmark: a seeded national-scale data set, the workloads measured on it and
their budgets (see docs/benchmarks.md).

- `sizes`: the sizes of the data set (national, one province, small) and of each workload;
- `generator`: fills a database with a size's data, repeatably (same seed, same data);
- `workloads`: each workload, timed over several runs, with its budget;
- `load`: the concurrent HTTP driver (threads, standard library) and the gunicorn server it
  drives, with the workers' peak memory read from /proc.
"""
