# Shared set-up for scripts/demo and scripts/test: a virtual environment with the project.
# Usage: source scripts/_setup.sh [extras]   (extras: "dev" for the test tools)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
extras="${1:-}"
stamp="$VENV/.installed-${extras:-base}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> Création de l'environnement Python (.venv)"
  "$PYTHON" -m venv "$VENV"
fi
# Reinstall when the dependency list changed since the last install.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> Installation des dépendances${extras:+ ($extras)}"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
  if [ -n "$extras" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
  else
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e .
  fi
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
