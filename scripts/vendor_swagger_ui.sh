#!/bin/sh
# Copy Swagger UI from the installed django-ninja wheel into static/vendor/swagger-ui/
# (without the sourceMappingURL comments: the maps are not shipped). See static/vendor/README.md.
set -eu
cd "$(dirname "$0")/.."
src=$(.venv/bin/python -c 'import pathlib, ninja; print(pathlib.Path(ninja.__file__).parent / "static" / "ninja")')
mkdir -p static/vendor/swagger-ui
sed '/^\/\/# sourceMappingURL=/d' "$src/swagger-ui-bundle.js" > static/vendor/swagger-ui/swagger-ui-bundle.js
sed '/^\/\*# sourceMappingURL=.*\*\/$/d' "$src/swagger-ui.css" > static/vendor/swagger-ui/swagger-ui.css
sha256sum "$src/swagger-ui-bundle.js" "$src/swagger-ui.css"
