"""The test tiers: ``make test-fast`` (``-m "not e2e"``) leaves out exactly the subprocess tier.

Runs pytest, with this repo's ``tests/conftest.py``, on a small tree laid out
like ``tests/``: the ``e2e`` marker must follow the folder and the named files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


def collected(pytester: pytest.Pytester, *args: str) -> list[str]:
    # Only what marking needs: the other plugins cost seconds per inner run. importlib
    # mode, because this process may already hold a test_bench_smoke module of its own.
    quiet = ("-p", "no:hypothesispytest", "-p", "no:cacheprovider", "-p", "no:xdist")
    result = pytester.runpytest_inprocess(
        "--collect-only", "-q", "--import-mode=importlib", *quiet, *args
    )
    return sorted(line for line in result.outlines if "::" in line)


def test_e2e_marker_follows_the_folder_and_the_named_files(pytester: pytest.Pytester) -> None:
    shutil.copy(TESTS / "conftest.py", pytester.path / "conftest.py")
    pytester.makeini("[pytest]\nmarkers =\n    e2e: subprocess tier\naddopts = --strict-markers\n")
    tree = {
        "e2e/test_kill.py": "def test_kill(): pass\n",
        "unit/test_bench_smoke.py": "def test_bench(): pass\n",
        "unit/test_distribution.py": "def test_wheel(): pass\n",
        "unit/test_plan.py": "def test_plan(): pass\n",
        "contract/test_contract_posts.py": "def test_posts(): pass\n",
    }
    for name, body in tree.items():
        (pytester.path / name).parent.mkdir(exist_ok=True)
        (pytester.path / name).write_text(body, encoding="utf-8")

    assert collected(pytester, "-m", "not e2e") == [
        "contract/test_contract_posts.py::test_posts",
        "unit/test_plan.py::test_plan",
    ]
    assert collected(pytester, "-m", "e2e") == [
        "e2e/test_kill.py::test_kill",
        "unit/test_bench_smoke.py::test_bench",
        "unit/test_distribution.py::test_wheel",
    ]
    assert len(collected(pytester)) == len(tree)


def test_a_contract_over_http_is_e2e_and_in_process_is_not(
    pytester: pytest.Pytester,
) -> None:
    shutil.copy(TESTS / "conftest.py", pytester.path / "conftest.py")
    pytester.makeini("[pytest]\nmarkers =\n    e2e: subprocess tier\naddopts = --strict-markers\n")
    (pytester.path / "contract").mkdir()
    (pytester.path / "contract" / "test_contract_limits.py").write_text(
        "import pytest\n\n"
        "@pytest.fixture(params=['inprocess', 'http'])\n"
        "def make_remote(request):\n    return request.param\n\n"
        "@pytest.fixture(params=['inprocess', 'http'])\n"
        "def remote(request):\n    return request.param\n\n"
        "def test_own_server(make_remote): pass\n\n"
        "def test_shared_server(remote): pass\n",
        encoding="utf-8",
    )

    assert collected(pytester, "-m", "e2e") == [
        "contract/test_contract_limits.py::test_own_server[http]",
        "contract/test_contract_limits.py::test_shared_server[http]",
    ]
    assert collected(pytester, "-m", "not e2e") == [
        "contract/test_contract_limits.py::test_own_server[inprocess]",
        "contract/test_contract_limits.py::test_shared_server[inprocess]",
    ]


def test_the_fast_profile_runs_a_quarter_of_the_examples(pytester: pytest.Pytester) -> None:
    shutil.copy(TESTS / "conftest.py", pytester.path / "conftest.py")
    pytester.makepyfile(
        test_prop=(
            "from hypothesis import given, settings, strategies as st\n"
            "SEEN = []\n"
            "@settings(database=None)\n"
            "@given(st.integers())\n"
            "def test_count(n):\n    SEEN.append(n)\n\n"
            "def test_after():\n"
            "    assert settings.default.max_examples == 25\n"
            "    assert 1 <= len(SEEN) <= 25\n"
        )
    )
    result = pytester.runpytest_inprocess(
        "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--hypothesis-profile=fast"
    )
    result.assert_outcomes(passed=2)


def test_every_test_module_has_a_name_of_its_own() -> None:
    # The test folders are not packages: two test_x.py in different folders cannot both be
    # imported in one run ("import file mismatch"), and one of them would never run.
    names = [path.name for path in TESTS.rglob("test_*.py") if "__pycache__" not in path.parts]
    assert sorted({name for name in names if names.count(name) > 1}) == []
