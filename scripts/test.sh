#!/usr/bin/env bash
# Install everything the tests need (Python packages in .venv, Debian's Chromium for the
# browser tests) and run the whole suite.
# Usage: scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
# A venv made before the locks may hold the GUI OpenCV, which shares cv2/ with the headless
# one: remove both, and the locks put back the headless alone.
if .venv/bin/python -m pip show --quiet opencv-python 2>/dev/null; then
    .venv/bin/python -m pip uninstall --quiet --yes opencv-python opencv-python-headless
fi
# The locks are complete (README.md, "Installing"): --no-deps keeps out what they leave out.
.venv/bin/python -m pip install --quiet --no-deps --require-hashes \
    -r requirements.lock -r requirements-torch.lock -r requirements-test.lock
.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation --editable .

missing=()
command -v chromium >/dev/null || missing+=(chromium)
# PostgreSQL's server: the run store's tests start a throwaway cluster with it.
command -v pg_ctl >/dev/null || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null \
    || missing+=(postgresql)
# GStreamer's RTSP server, run by Debian's Python: the camera tests' real RTSP camera.
/usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0')" 2>/dev/null \
    || missing+=(gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gi \
                 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A real OIDC provider for the sign-in tests: oidc-provider-mock needs Python >= 3.12,
# in a venv of its own (the app's stays on the locks). Without one, those tests skip.
python312=""
for candidate in python3.13 python3.12 "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 \
                 /usr/bin/python3.1[2-9]; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        python312="$candidate"
        break
    fi
done
if [ -z "${HEATMAP_TEST_OIDC_MOCK:-}" ] && [ -n "$python312" ]; then
    if [ -x .venv-oidc/bin/oidc-provider-mock ] || {
        "$python312" -m venv .venv-oidc \
            && .venv-oidc/bin/python -m pip install --quiet --no-deps -r requirements-oidc.txt
    }; then
        export HEATMAP_TEST_OIDC_MOCK="$PWD/.venv-oidc/bin/oidc-provider-mock"
    else
        echo "could not install oidc-provider-mock: the sign-in browser tests will skip" >&2
    fi
fi

exec .venv/bin/python -m pytest "$@"
