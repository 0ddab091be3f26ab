"""Survey statistics: Wilson intervals, satisfaction rates, weighted scores, element and commune
indices, splits by a profile question and Cochran sample sizes, on examples worked out by hand
(in the comments); then properties with hypothesis. Pure arithmetic: no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.surveys.spec import Option, Question, QuestionnaireSpec, Section
from parindex.surveys.stats import (
    Form,
    Rate,
    SectionResult,
    UnitResult,
    cochran,
    compute,
    compute_by,
    satisfaction,
    weighted,
    wilson,
)

D = Decimal
ABCD = (
    Option("A", "Tốt", D(1)),
    Option("B", "Khá", D("0.6")),
    Option("C", "Trung bình", D("0.2")),
    Option("D", "Kém", D(0)),
    Option("E", "Không biết"),  # no weight: not a valid answer for the score
)

# --- Wilson --------------------------------------------------------------------------------------
# z = 1,96, z² = 3,8416. For n = 50: z²/n = 0,076832, 1 + z²/n = 1,076832, z²/2n = 0,038416,
# z²/4n² = 3,8416/10 000 = 0,00038416.


def test_wilson_45_of_50() -> None:
    # p̂ = 0,9; centre = (0,9 + 0,038416) / 1,076832 = 0,938416 / 1,076832 = 0,871460;
    # p̂(1 − p̂)/n + z²/4n² = 0,0018 + 0,00038416 = 0,00218416, √ = 0,0467350 (0,046735² =
    # 0,002184160); half-width = 1,96 × 0,0467350 / 1,076832 = 0,0916006 / 1,076832 = 0,085065;
    # low = 0,786395 → 78,64 %, high = 0,956525 → 95,65 % (the rate 90 % is inside, off-centre).
    assert wilson(45, 50) == (D("78.64"), D("95.65"))


def test_wilson_25_of_50_is_about_13_points_either_side() -> None:
    # p̂ = 0,5: centre = (0,5 + 0,038416) / 1,076832 = 0,5 exactly (the numerator is half the
    # denominator);
    # 0,25/50 + 0,00038416 = 0,00538416, √ = 0,0733769; × 1,96 = 0,1438187; / 1,076832 = 0,133557.
    # low = 36,6443 → 36,64, high = 63,3557 → 63,36: ± 13,36 points, the domain note's "about ±13".
    low, high = wilson(25, 50)
    assert (low, high) == (D("36.64"), D("63.36"))
    assert (high - low) / 2 == D("13.36")
    assert D(13) < (high - low) / 2 < D("13.5")


def test_wilson_edges_k_0_and_k_n() -> None:
    # k = 0: p̂ = 0, centre = (z²/2n) / (1 + z²/n) and half-width = z·(z/2n) / (1 + z²/n): equal, so
    # low = 0 and high = 2 × centre = z² / (n + z²) = 3,8416 / 53,8416 = 0,07135003 → 7,14 %
    # (just above the half: rounded from the exact value, half up).
    assert wilson(0, 50) == (D("0.00"), D("7.14"))
    # k = n: the mirror image: low = n / (n + z²) = 50 / 53,8416 = 0,9286497 → 92,86 %, high = 100.
    assert wilson(50, 50) == (D("92.86"), D("100.00"))
    # n = 1: z²/(1 + z²) = 3,8416 / 4,8416 = 0,793457 → 79,35 %; 1/4,8416 = 0,206543 → 20,65 %.
    assert wilson(0, 1) == (D("0.00"), D("79.35"))
    assert wilson(1, 1) == (D("20.65"), D("100.00"))
    assert str(wilson(0, 1)[0]) == "0.00"
    assert str(wilson(1, 1)[1]) == "100.00"


def test_wilson_refuses_impossible_counts() -> None:
    for k, n in ((0, 0), (1, 0), (-1, 5), (6, 5)):
        with pytest.raises(ValueError, match="wilson"):
            wilson(k, n)


# --- one question --------------------------------------------------------------------------------


def test_satisfaction_counts_4_and_5_over_valid_answers() -> None:
    # Valid: 5, 4, 3, 2, 1 and " 4 " (spaces trimmed) → n = 6; satisfied: 5, 4, 4 → k = 3.
    # Blank, None, "x" and "6" are not answers. 3/6 = 50,00 %; Wilson(3, 6): centre = 0,5,
    # half-width = 1,96 × √(0,25/6 + 3,8416/144) / (1 + 3,8416/6) = 1,96 × 0,261386 / 1,640267
    # = 0,312387 → 18,76 .. 81,24 %.
    values = ["5", "4", "3", "2", "1", "", None, " 4 ", "x", "6", "   "]
    assert satisfaction(values) == Rate(6, D("50.00"), D("18.76"), D("81.24"))


def test_satisfaction_rounds_once_half_up() -> None:
    # 2 of 3 satisfied: 66,666… → 66,67; Wilson(2, 3) = 20,77 .. 93,85 (see test_wilson_small_n).
    assert satisfaction(["4", "5", "3"]) == Rate(3, D("66.67"), D("20.77"), D("93.85"))
    # 1 of 3: 33,333… → 33,33.
    assert satisfaction(["4", "1", "2"]).pct == D("33.33")


def test_wilson_small_n() -> None:
    # 2/3: 1 + z²/3 = 2,280533; centre = (0,666667 + 0,640267) / 2,280533 = 0,573082;
    # √(2/27 + 3,8416/36) = √(0,0740741 + 0,1067111) = 0,425189; × 1,96 / 2,280533 = 0,365427;
    # 0,207655 .. 0,938510.
    assert wilson(2, 3) == (D("20.77"), D("93.85"))
    # 3/5: 1 + 0,76832 = 1,76832; centre = (0,6 + 0,38416) / 1,76832 = 0,556551;
    # √(0,048 + 0,038416) = 0,293966; × 1,96 / 1,76832 = 0,325831; 0,230720 .. 0,882382.
    assert wilson(3, 5) == (D("23.07"), D("88.24"))
    # 3/4: 1 + 0,9604 = 1,9604; centre = (0,75 + 0,4802) / 1,9604 = 0,627525;
    # √(0,046875 + 0,060025) = 0,326956; × 1,96 / 1,9604 = 0,326889; 0,300636 .. 0,954414.
    assert wilson(3, 4) == (D("30.06"), D("95.44"))


def test_satisfaction_with_no_answer() -> None:
    assert satisfaction([None, "", "  "]) == Rate(0, D("0.00"), None, None)
    assert satisfaction([]) == Rate(0, D(0), None, None)


def test_weighted_a_b_c_d_is_100_60_20_0() -> None:
    # A, B, B, C, D count (n = 5): (1 + 0,6 + 0,6 + 0,2 + 0) / 5 = 2,4 / 5 = 0,48 → 48,00 %.
    # E has no weight, "Z" is unknown, blanks are not answers: none counts. No interval.
    values = ["A", "B", "B", "C", "D", "E", "Z", "", None]
    assert weighted(values, ABCD) == Rate(5, D("48.00"), None, None)
    # A, C, C: 1,4 / 3 = 0,4666… → 46,67 %; A, A, B: 2,6 / 3 = 0,8666… → 86,67 %.
    assert weighted(["A", "C", "C"], ABCD) == Rate(3, D("46.67"), None, None)
    assert weighted(["A", "A", "B"], ABCD) == Rate(3, D("86.67"), None, None)
    assert weighted(["E", ""], ABCD) == Rate(0, D("0.00"), None, None)


# --- a tiny questionnaire ------------------------------------------------------------------------


def scale(code: str) -> Question:
    return Question(code, f"Mức độ hài lòng {code}", "scale5", rated=True)


SPEC = QuestionnaireSpec(
    code="T",
    name="Tiny",
    audience="citizens",
    sections=(
        Section(
            "A",
            "Tiếp cận",
            "TC",
            (
                scale("A1"),
                scale("A2"),
                Question("A3", "Có chỗ ngồi", "yes_no"),  # not rated: never counts
                Question("A4", "Mức độ (không tính)", "scale5"),  # not rated: never counts
            ),
        ),
        Section(
            "P",
            "Thông tin người trả lời",
            "",
            (
                Question(
                    "LV",
                    "Lĩnh vực",
                    "choice",
                    (Option("ho_tich", "Hộ tịch"), Option("dat_dai", "Đất đai")),
                ),
                Question("Y", "Góp ý", "text", required=False),
            ),
        ),
        Section("B", "Kết quả", "KQ", (scale("B1"), scale("B2"))),
    ),
)


def form(
    unit: str, a1: str, a2: str, b1: str, b2: str, lv: str = "", *, excluded: bool = False
) -> Form:
    answers = {"A1": a1, "A2": a2, "A3": "0", "A4": "5", "B1": b1, "B2": b2}
    if lv:
        answers["LV"] = lv
    return Form(unit, answers, excluded)


# X01: five valid forms and one excluded form that would drag everything down.
X01 = [
    form("X01", "5", "4", "4", "2", "ho_tich"),
    form("X01", "4", "3", "5", "", "ho_tich"),
    form("X01", "3", "5", "1", "4", "dat_dai"),
    form("X01", "2", "", "4", "5", "dat_dai"),
    form("X01", "5", "4", "3", " ", "ho_tich"),
]
X01_EXCLUDED = form("X01", "1", "1", "1", "1", "ho_tich", excluded=True)
# X02: three forms, one without a field.
X02 = [
    form("X02", "5", "5", "5", "5", "dat_dai"),
    form("X02", "4", "4", "", "3", "ho_tich"),
    form("X02", "1", "2", "", ""),
]
# X03: one form answering A1 only; X04: only an excluded form.
X03 = [Form("X03", {"A1": "4"})]
X04 = [form("X04", "5", "5", "5", "5", excluded=True)]
FORMS = [*X02, X01_EXCLUDED, *X03, *X01, *X04]


def test_compute_by_hand() -> None:
    results = compute(SPEC, FORMS)
    assert list(results) == ["X01", "X02", "X03", "X04"]

    # X01 (5 valid forms; the excluded one is not counted):
    # A1 5 4 3 2 5 → 3/5 = 60 %; A2 4 3 5 · 4 → 3/4 = 75 %; TC = (60 + 75) / 2 = 67,50.
    # B1 4 5 1 4 3 → 3/5 = 60 %; B2 2 · 4 5 · → 2/3 = 66,666… %; KQ = (60 + 66,666…) / 2 =
    # 63,333… → 63,33 (the mean of the rounded rates, (60 + 66,67) / 2 = 63,335, would give 63,34).
    # Index = (67,5 + 63,333…) / 2 = 785/12 = 65,41666… → 65,42.
    assert results["X01"] == UnitResult(
        "X01",
        5,
        (
            SectionResult(
                "A",
                "TC",
                {
                    "A1": Rate(5, D("60.00"), *wilson(3, 5)),
                    "A2": Rate(4, D("75.00"), *wilson(3, 4)),
                },
                D("67.50"),
            ),
            SectionResult(
                "B",
                "KQ",
                {
                    "B1": Rate(5, D("60.00"), *wilson(3, 5)),
                    "B2": Rate(3, D("66.67"), *wilson(2, 3)),
                },
                D("63.33"),
            ),
        ),
        D("65.42"),
    )
    assert results["X01"].sections[0].questions["A1"] == Rate(5, D("60"), D("23.07"), D("88.24"))

    # X02: A1 5 4 1 → 2/3; A2 5 4 2 → 2/3; TC = 66,666… → 66,67.
    # B1 5 · · → 1/1 = 100 %; B2 5 3 · → 1/2 = 50 %; KQ = 75,00.
    # Index = (66,666… + 75) / 2 = 425/6 = 70,8333… → 70,83 (from the rounded 66,67, 70,835 would
    # give 70,84).
    x02 = results["X02"]
    assert x02.forms == 3
    assert [s.index for s in x02.sections] == [D("66.67"), D("75.00")]
    assert x02.sections[1].questions == {
        "B1": Rate(1, D("100.00"), D("20.65"), D("100.00")),
        "B2": Rate(2, D("50.00"), *wilson(1, 2)),
    }
    assert wilson(1, 2) == (D("9.45"), D("90.55"))
    assert x02.index == D("70.83")

    # X03: A1 4 → 1/1 = 100 %; A2 unanswered: n = 0, pct 0 and no interval, and it does not count,
    # so TC = 100; KQ has no answer at all: None; the index is the mean of TC alone: 100.
    assert results["X03"] == UnitResult(
        "X03",
        1,
        (
            SectionResult(
                "A",
                "TC",
                {
                    "A1": Rate(1, D("100.00"), D("20.65"), D("100.00")),
                    "A2": Rate(0, D("0.00"), None, None),
                },
                D("100.00"),
            ),
            SectionResult(
                "B",
                "KQ",
                {"B1": Rate(0, D(0), None, None), "B2": Rate(0, D(0), None, None)},
                None,
            ),
        ),
        D("100.00"),
    )

    # X04: its only form is excluded: listed, with 0 forms and no index.
    assert results["X04"].forms == 0
    assert results["X04"].index is None
    assert [s.index for s in results["X04"].sections] == [None, None]


def test_published_numbers_have_two_places() -> None:
    results = compute(SPEC, FORMS)
    assert str(results["X01"].index) == "65.42"
    assert str(results["X01"].sections[0].index) == "67.50"
    assert str(results["X03"].sections[1].questions["B1"].pct) == "0.00"


def test_excluded_forms_do_not_count() -> None:
    with_excluded = compute(SPEC, FORMS)
    without = compute(SPEC, [f for f in FORMS if not f.excluded])
    assert with_excluded["X01"] == without["X01"]
    assert "X04" not in without
    # Counted, the excluded form (all 1s) would change X01: A1 3/6 = 50 %.
    counted = compute(SPEC, [*X01, Form("X01", X01_EXCLUDED.answers)])
    assert counted["X01"].forms == 6
    assert counted["X01"].sections[0].questions["A1"].pct == D("50.00")


def test_sections_follow_the_questionnaire_and_skip_profiles_and_unrated_questions() -> None:
    result = compute(SPEC, X01)["X01"]
    assert [(s.code, s.element) for s in result.sections] == [("A", "TC"), ("B", "KQ")]
    assert list(result.sections[0].questions) == ["A1", "A2"]  # not A3 (yes/no), not A4 (unrated)


def test_compute_with_no_form() -> None:
    assert compute(SPEC, []) == {}


def test_compute_by_a_profile_question() -> None:
    by = compute_by(SPEC, FORMS, "LV")
    assert list(by) == ["ho_tich", "dat_dai"]  # the options' order
    ho_tich, dat_dai = by["ho_tich"], by["dat_dai"]
    # Forms without a field (X02's third, X03) and X04 (no field) are in no group.
    assert list(ho_tich) == ["X01", "X02"]
    assert list(dat_dai) == ["X01", "X02"]

    # ho_tich, X01: forms 1, 2, 5 (the excluded one is in the group but does not count).
    # A1 5 4 5 → 3/3 = 100; A2 4 3 4 → 2/3 = 66,666…; TC = 83,333… → 83,33.
    # B1 4 5 3 → 2/3 = 66,666…; B2 2 · · → 0/1 = 0; KQ = 33,333… → 33,33.
    # Index = (83,333… + 33,333…) / 2 = 58,333… → 58,33.
    x01 = ho_tich["X01"]
    assert x01.forms == 3
    assert [s.index for s in x01.sections] == [D("83.33"), D("33.33")]
    assert x01.sections[1].questions["B2"] == Rate(1, D("0.00"), D("0.00"), D("79.35"))
    assert x01.index == D("58.33")
    # ho_tich, X02: form 2: A1 4, A2 4 → TC 100; B1 unanswered (n = 0, not counted), B2 3 → 0:
    # KQ 0,00; index (100 + 0) / 2 = 50,00.
    assert [s.index for s in ho_tich["X02"].sections] == [D("100.00"), D("0.00")]
    assert ho_tich["X02"].index == D("50.00")

    # dat_dai, X01: forms 3, 4: A1 3 2 → 0/2 = 0; A2 5 · → 1/1 = 100; TC 50.
    # B1 1 4 → 1/2 = 50; B2 4 5 → 2/2 = 100; KQ 75. Index (50 + 75) / 2 = 62,50.
    assert [s.index for s in dat_dai["X01"].sections] == [D("50.00"), D("75.00")]
    assert dat_dai["X01"].index == D("62.50")
    # dat_dai, X02: form 1, all 5s: 100 everywhere.
    assert dat_dai["X02"].index == D("100.00")

    # Each group is compute() over its forms.
    assert dat_dai == compute(SPEC, [f for f in FORMS if f.answers.get("LV") == "dat_dai"])


def test_compute_by_an_option_nobody_chose_and_by_text() -> None:
    by = compute_by(SPEC, X02[:1], "LV")
    assert by == {"ho_tich": {}, "dat_dai": {"X02": compute(SPEC, X02[:1])["X02"]}}
    forms = [Form("X01", {"Y": "nhanh hơn", "A1": "5"}), Form("X01", {"Y": " ", "A1": "1"})]
    assert list(compute_by(SPEC, forms, "Y")) == ["nhanh hơn"]
    with pytest.raises(KeyError):
        compute_by(SPEC, forms, "NOPE")


def test_weighted_questions_of_an_officials_survey() -> None:
    spec = QuestionnaireSpec(
        "CB",
        "Cán bộ",
        "officials",
        (
            Section(
                "CD",
                "Chỉ đạo",
                "CD",
                (
                    Question("CD1", "Chỉ đạo", "choice", ABCD, rated=True),
                    Question("CD2", "Điều hành", "choice", ABCD, rated=True),
                ),
            ),
            Section(
                "CV", "Công vụ", "CV", (Question("CV1", "Thái độ", "choice", ABCD, rated=True),)
            ),
        ),
    )
    forms = [
        Form("X01", {"CD1": "A", "CD2": "B", "CV1": "C"}),
        Form("X01", {"CD1": "B", "CD2": "E", "CV1": "D"}),
        Form("X01", {"CD1": "C", "CD2": "A", "CV1": "A"}),
    ]
    # CD1 A B C: (1 + 0,6 + 0,2) / 3 = 60 %; CD2 B · A (E has no weight): (0,6 + 1) / 2 = 80 %;
    # CD = 70,00. CV1 C D A: (0,2 + 0 + 1) / 3 = 40 %. Index = (70 + 40) / 2 = 55,00.
    result = compute(spec, forms)["X01"]
    assert result.sections[0] == SectionResult(
        "CD",
        "CD",
        {"CD1": Rate(3, D("60.00"), None, None), "CD2": Rate(2, D("80.00"), None, None)},
        D("70.00"),
    )
    assert result.sections[1].index == D("40.00")
    assert result.index == D("55.00")


# --- sample size ---------------------------------------------------------------------------------


def test_cochran_infinite_population() -> None:
    # n0 = 1,96² × 0,5 × 0,5 / 0,1² = 3,8416 × 0,25 / 0,01 = 96,04 → 97.
    assert cochran(None, D("0.1")) == 97
    # e = 0,05: 3,8416 × 0,25 / 0,0025 = 384,16 → 385.
    assert cochran(None, D("0.05")) == 385
    # p = 0,9, e = 0,1: 3,8416 × 0,09 / 0,01 = 34,5744 → 35.
    assert cochran(None, D("0.1"), p=D("0.9")) == 35


def test_cochran_small_population() -> None:
    # N = 200: 96,04 / (1 + 95,04/200) = 96,04 / 1,4752 = 65,10 → 66.
    assert cochran(200, D("0.1")) == 66
    # N = 850, e = 0,05: 384,16 / (1 + 383,16/850) = 384,16 / 1,450776 = 264,79 → 265.
    assert cochran(850, D("0.05")) == 265
    # N = 1: 96,04 / (1 + 95,04) = 96,04 / 96,04 = 1 exactly → 1 (not 2 from a rounding error).
    assert cochran(1, D("0.1")) == 1
    assert cochran(0, D("0.1")) == 0


def test_cochran_refuses_bad_parameters() -> None:
    for margin in (D(0), D("-0.1"), D("1.5")):
        with pytest.raises(ValueError, match="margin"):
            cochran(None, margin)
    with pytest.raises(ValueError, match="population"):
        cochran(-1, D("0.1"))
    with pytest.raises(ValueError, match="p must"):
        cochran(None, D("0.1"), p=D(1))


# --- properties ----------------------------------------------------------------------------------

COUNTS = st.integers(min_value=1, max_value=3000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)
ANSWER = st.sampled_from(["1", "2", "3", "4", "5", "", " ", "x"])
FORM = st.builds(
    lambda unit, answers, lv, excluded: Form(unit, {**answers, "LV": lv}, excluded),
    st.sampled_from(["X01", "X02", "X03"]),
    st.fixed_dictionaries(dict.fromkeys(("A1", "A2", "B1", "B2"), ANSWER)),
    st.sampled_from(["ho_tich", "dat_dai", ""]),
    st.booleans(),
)
FORMS_AND_PERMUTATION = st.lists(FORM, max_size=25).flatmap(
    lambda forms: st.tuples(st.just(forms), st.permutations(forms))
)


@given(COUNTS)
def test_the_rate_is_within_its_bounds_within_0_100(counts: tuple[int, int]) -> None:
    k, n = counts
    rate = satisfaction(["5"] * k + ["2"] * (n - k))
    assert rate.n == n
    assert rate.low is not None
    assert rate.high is not None
    assert D(0) <= rate.low <= rate.pct <= rate.high <= D(100)


@given(st.lists(st.sampled_from(["A", "B", "C", "D", "E", ""]), max_size=50))
def test_weighted_scores_stay_within_0_100(values: list[str]) -> None:
    rate = weighted(values, ABCD)
    assert D(0) <= rate.pct <= D(100)
    assert rate.low is None
    assert rate.high is None


@given(FORMS_AND_PERMUTATION)
def test_indices_are_within_0_100_and_the_order_of_forms_never_matters(
    data: tuple[list[Form], list[Form]],
) -> None:
    forms, permuted = data
    results = compute(SPEC, forms)
    assert results == compute(SPEC, permuted)
    assert compute_by(SPEC, forms, "LV") == compute_by(SPEC, permuted, "LV")
    for result in results.values():
        assert result.forms == sum(1 for f in forms if f.unit == result.unit and not f.excluded)
        indices = [s.index for s in result.sections if s.index is not None]
        assert (result.index is None) == (not indices)
        for value in [result.index, *indices]:
            assert value is None or D(0) <= value <= D(100)
        if indices:
            assert result.index is not None
            assert min(indices) <= result.index <= max(indices)
        for section in result.sections:
            for rate in section.questions.values():
                if rate.n:
                    assert rate.low is not None
                    assert rate.high is not None
                    assert rate.low <= rate.pct <= rate.high
