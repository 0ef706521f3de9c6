# Shared set-up for scripts/demo and scripts/test: a virtual environment with the project.
# Usage: source scripts/_setup.sh [extras]   (extras: "dev" for the test tools)
# Environment: PYTHON, the interpreter that creates the environment (default: python3; Boussole
# runs on Python 3.11, 3.12 and 3.13), and BOUSSOLE_VENV, the environment's folder (default:
# .venv; scripts/test-python uses .venv-3.13 and the like).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="${BOUSSOLE_VENV:-$ROOT/.venv}"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
extras="${1:-}"
stamp="$VENV/.installed-${extras:-base}"

# True when "$1" runs and is a Python that Boussole supports (3.11 to 3.13).
_supported_python() {
  "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' \
    >/dev/null 2>&1
}

# An environment whose interpreter no longer runs (the system's Python was upgraded or removed)
# is rebuilt rather than used half-broken.
if [ -f "$VENV/pyvenv.cfg" ] && ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
  echo "==> L'environnement Python ${VENV#"$ROOT"/} ne fonctionne plus (Python changé ?) : recréation"
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "Erreur : Python introuvable (« $PYTHON »). Installez Python 3.11, 3.12 ou 3.13 (paquet" \
         "python3), ou indiquez l'interpréteur : PYTHON=/chemin/vers/python3 $0" >&2
    exit 1
  fi
  if ! _supported_python "$PYTHON"; then
    found="$("$PYTHON" --version 2>&1 || true)"
    echo "Erreur : Boussole demande Python 3.11, 3.12 ou 3.13 ; « $PYTHON » répond :" \
         "${found:-rien}. Indiquez un autre interpréteur, par exemple : PYTHON=python3.12 $0" >&2
    exit 1
  fi
  echo "==> Création de l'environnement Python (${VENV#"$ROOT"/}, $("$PYTHON" --version 2>&1))"
  if ! "$PYTHON" -m venv "$VENV"; then
    rm -rf "$VENV"
    echo "Erreur : impossible de créer l'environnement virtuel. Sur Debian ou Ubuntu, installez" \
         "le paquet python3-venv (sudo apt-get install python3-venv), puis relancez." >&2
    exit 1
  fi
elif ! _supported_python "$VENV/bin/python"; then
  echo "Erreur : l'environnement ${VENV#"$ROOT"/} utilise $("$VENV/bin/python" --version 2>&1)," \
       "que Boussole ne prend pas en charge (3.11 à 3.13) : supprimez-le (rm -rf" \
       "${VENV#"$ROOT"/}) et relancez avec un Python pris en charge." >&2
  exit 1
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
