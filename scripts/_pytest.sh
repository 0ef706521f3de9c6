# Shared by scripts/test and scripts/test-python: run one pytest step, loudly.
# Usage: source scripts/_pytest.sh; run_pytest "label" [pytest arguments...]
# Set SELECTION=1 when the caller passed its own pytest arguments (a -k or a path): a step that
# then collects nothing is reported and skipped. Otherwise pytest's exit code 5 ("no tests
# collected") fails the run with a message, so that a step can never pass by testing nothing.
# BOUSSOLE_TEST_WORKERS sets the number of pytest-xdist workers (default "auto": one per core;
# 0 runs the tests in one process).
SELECTION="${SELECTION:-0}"
WORKERS="${BOUSSOLE_TEST_WORKERS:-auto}"

run_pytest() {
  local label="$1"
  shift
  local status=0
  python -m pytest -p no:cacheprovider -p xdist -n "$WORKERS" "$@" || status=$?
  if [ "$status" -eq 5 ]; then
    if [ "$SELECTION" = 1 ]; then
      echo "==> $label : aucun test ne correspond à la sélection ; étape sans test."
      return 0
    fi
    echo "Erreur : $label : pytest n'a collecté aucun test (code 5). Chemin ou marqueur" \
         "erroné ? L'étape échoue plutôt que de réussir sans rien tester." >&2
    exit 5
  fi
  if [ "$status" -ne 0 ]; then
    echo "Erreur : $label : échec (code $status de pytest)." >&2
    exit "$status"
  fi
}
