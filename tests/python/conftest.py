# SPDX-License-Identifier: Apache-2.0
"""Fixtures of the avbuffer Python tests: a fresh servicemanager and
avbufferd in a private socket directory, as avbuffer-test-harness starts
them for the C suites.

meson test passes the programs and the profile in AVB_TEST_SERVICEMANAGER,
AVB_TEST_AVBUFFERD and AVB_TEST_PROFILE, and the build's python/ directory
in PYTHONPATH."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

DEADLINE_S = 60  # generous: valgrind, ASan and a loaded 2-core machine


def _need(var):
    value = os.environ.get(var)
    if not value:
        pytest.fail(f"{var} is not set (run these tests through meson test)")
    return value


@pytest.fixture(scope="session")
def daemons():
    sm_exe = _need("AVB_TEST_SERVICEMANAGER")
    avbd_exe = _need("AVB_TEST_AVBUFFERD")
    profile = _need("AVB_TEST_PROFILE")
    sockdir = tempfile.mkdtemp(prefix="avbuffer-py.")
    copy = os.path.join(sockdir, "profile.yaml")
    with open(profile) as src, open(copy, "w") as dst:
        dst.write(src.read().replace("@UID@", str(os.getuid()))
                  .replace("@GID@", str(os.getgid())))
    # Set before the module makes its first call: every client finds the
    # service manager through AVB_SOCKET_DIR.
    os.environ["AVB_SOCKET_DIR"] = sockdir
    procs = [subprocess.Popen([sm_exe, "--socket-dir", sockdir])]
    try:
        procs.append(subprocess.Popen([avbd_exe, "--profile", copy, "--socket-dir", sockdir]))
        import avbuffer

        deadline = time.monotonic() + DEADLINE_S
        while True:
            for p in procs:
                if p.poll() is not None:
                    pytest.fail(f"{p.args[0]} exited {p.returncode} at start")
            try:
                avbuffer.connect(timeout=1.0).close()
                break
            except avbuffer.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield sockdir
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        codes = [p.wait(timeout=DEADLINE_S) for p in procs]
        shutil.rmtree(sockdir, ignore_errors=True)
    assert codes == [0, 0], f"servicemanager, avbufferd exited {codes}"


@pytest.fixture
def svc(daemons):
    """A connection; afterwards every pool of the test must be gone."""
    import avbuffer

    with avbuffer.connect() as s:
        yield s
        for secure in (False, True):
            assert s.pool_metrics(secure) == [], "the test left pools behind"
            assert s.heap_metrics(secure)[0] == 0
