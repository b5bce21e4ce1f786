"""The benchmark's helpers (benchmarks/): request-log counting, correctness on a real seeded org
folder, the built-in project's generated cumulusci.yml, the table and the acceptance checks. No timing."""

import argparse
import os
import resource
import subprocess
import sys

import pytest
import yaml

from benchmarks import flow, run
from benchmarks.flow import measured_run
from benchmarks.metrics import RunMetrics, Summary, count_requests, layout_correctness, layouts_by_object
from benchmarks.report import BUILTIN, FIRST, OURS, PARTIAL, SECOND, acceptance, ordered, render_markdown, render_text
from email_privacy.metadata.layouts import INDIVIDUAL_FIELD, add_field_bytes
from localorg.models.identity import OrgIdentity
from localorg.models.metadata import MetadataStore


def req(path, action=None, method="POST", bytes_in=0, bytes_out=0):
    return {
        "method": method,
        "path": path,
        "soap_action": action,
        "status": 200,
        "ms": 1.0,
        "bytes_in": bytes_in,
        "bytes_out": bytes_out,
    }


MD = "/services/Soap/m/63.0/00D000000000001"


def test_count_requests_sorts_each_request_into_its_kind():
    log = [
        req("/services/oauth2/token", bytes_in=200),
        req("/services/oauth2/userinfo", method="GET"),
        req("/services/data/v63.0/query/", method="GET", bytes_out=300),
        req(MD, "listMetadata", bytes_in=700),
        req(MD, "retrieve"),
        req(MD, "checkStatus"),
        req(MD, "checkStatus"),
        req(MD, "checkRetrieveStatus", bytes_out=40000),
        req(MD, "deploy", bytes_in=25000),
        req(MD, "checkDeployStatus"),
        req("/services/oauth2/token"),
    ]
    counts = count_requests(log)
    assert counts["metadata_ops"] == {
        "listMetadata": 1,
        "retrieve": 1,
        "checkStatus": 2,
        "checkRetrieveStatus": 1,
        "deploy": 1,
        "checkDeployStatus": 1,
    }
    assert counts["token_refreshes"] == 2
    assert counts["rest_calls"] == 2  # userinfo and the query; the token endpoint is counted apart
    assert counts["bytes_sent"] == 200 + 700 + 25000
    assert counts["bytes_received"] == 300 + 40000
    m = RunMetrics(wall_s=1.0, exit_code=0, **counts)
    assert (m.non_poll_ops, m.polls) == (3, 4)


def test_a_token_post_elsewhere_or_a_get_of_it_is_not_a_refresh():
    counts = count_requests([req("/services/oauth2/token", method="GET"), req("/services/oauth2/revoke")])
    assert counts["token_refreshes"] == 0 and counts["rest_calls"] == 2


def seeded_org(tmp_path, **profile):
    store = MetadataStore(tmp_path, OrgIdentity(person_accounts=True, **profile))
    store.seed()
    return store.dir


def test_correctness_counts_target_layouts_of_a_seeded_org_and_those_given_the_field(tmp_path):
    meta = seeded_org(tmp_path, layouts_per_object=2)
    by_object = layouts_by_object(meta)
    targets = sum(len(v) for v in by_object.values())
    assert set(by_object) == {"Contact", "Lead", "PersonAccount"} and all(by_object.values())
    assert layout_correctness(meta) == (0, targets)  # a fresh org: no Individual field anywhere
    # Give the field to every Contact layout, and the wrong field (IndividualId) to a person-account one.
    for path in sorted((meta / "layouts").glob("Contact-*")):
        path.write_bytes(add_field_bytes(path.read_bytes(), INDIVIDUAL_FIELD["Contact"]))
    person = sorted((meta / "layouts").glob("PersonAccount-*"))[0]
    person.write_bytes(add_field_bytes(person.read_bytes(), "IndividualId"))
    assert layout_correctness(meta) == (len(by_object["Contact"]), targets)
    # Account layouts are not targets, whatever they hold.
    assert not any(name.startswith("Account-") for names in by_object.values() for name in names)


def test_layouts_by_object_gives_display_names_for_cumulusci_to_encode(tmp_path):
    meta = seeded_org(tmp_path)
    leads = layouts_by_object(meta)["Lead"]
    assert "Lead-Lead (Marketing) Layout" in leads
    assert not any("%28" in name for name in leads)


TEMPLATE = flow.TEMPLATE.read_text(encoding="utf-8")


def test_builtin_config_names_each_objects_layouts_in_its_own_step():
    layouts = {
        "Contact": ["Contact-Contact Layout", "Contact-A, B Layout"],
        "Lead": ["Lead-Lead (Sales) Layout"],
        "PersonAccount": ["PersonAccount-Person Account Layout"],
    }
    config = yaml.safe_load(flow.builtin_config(TEMPLATE, layouts))
    steps = config["flows"][flow.BUILTIN_FLOW]["steps"]
    assert steps[1]["task"] == "org_settings"
    assert steps[1]["options"]["settings"]["partyDataModelSettings"] == {"enableConsentManagement": True}
    assert list(steps[1]["options"]["settings"]["emailAdministrationSettings"]) == [
        "enableEmailConsentManagement",
        "enableEnhancedEmailEnabled",
    ]  # the schema's order
    for number, obj in flow.BUILTIN_LAYOUT_STEPS.items():
        assert steps[number]["options"]["api_names"] == layouts[obj]  # a list: the comma stays in its name
        field = steps[number]["options"]["fields"][0]
        assert field["api_name"] == INDIVIDUAL_FIELD[obj]
        assert field["position"][0]["field"] in ("HasOptedOutOfEmail", "PersonHasOptedOutOfEmail")


def test_builtin_config_refuses_a_template_whose_steps_moved():
    config = yaml.safe_load(TEMPLATE)
    config["flows"][flow.BUILTIN_FLOW]["steps"][3]["task"] = "deploy"
    with pytest.raises(ValueError, match="step 3"):
        flow.builtin_config(yaml.safe_dump(config), {})


def test_make_builtin_project_is_a_git_checkout_with_a_commit(tmp_path):
    dest = flow.make_builtin_project(tmp_path / "p", {"Contact": ["Contact-Contact Layout"]})
    head = subprocess.run(["git", "log", "--oneline"], cwd=dest, capture_output=True, text=True, check=True)
    assert head.stdout.strip()
    assert "Contact-Contact Layout" in (dest / "cumulusci.yml").read_text(encoding="utf-8")


def metrics(wall, ops, exit_code=0, with_field=10, targets=10, cpu=1.0, peak=64.0):
    return RunMetrics(wall, exit_code, cpu, ops, with_field=with_field, target_layouts=targets, peak_mb=peak)


GOOD_FIRST = {"listMetadata": 1, "retrieve": 2, "deploy": 2, "checkDeployStatus": 2}
GOOD_SECOND = {"listMetadata": 1, "retrieve": 1, "checkRetrieveStatus": 1}
BUILTIN_OPS = {"retrieve": 3, "deploy": 4}


def summaries(ours_first_300=GOOD_FIRST, ours_wall=2.0, builtin_wall=10.0, sizes=(3, 300), cpu_ms=0.5):
    """Three runs of each tool and phase per size; 3 target layouts per layout/object, and cci's CPU 1.5 s
    plus cpu_ms per target layout."""
    out = []
    for n in sizes:
        first = ours_first_300 if n == 300 else GOOD_FIRST
        ours = {"with_field": 3 * n, "targets": 3 * n, "cpu": 1.5 + 3 * n * cpu_ms / 1000}
        out += [
            Summary(OURS, n, FIRST, [metrics(ours_wall, first, **ours)] * 3),
            Summary(OURS, n, SECOND, [metrics(ours_wall, GOOD_SECOND, **ours)] * 3),
            Summary(BUILTIN, n, FIRST, [metrics(builtin_wall, BUILTIN_OPS)] * 3),
            Summary(BUILTIN, n, SECOND, [metrics(builtin_wall, BUILTIN_OPS)] * 3),
        ]
    return out


def test_acceptance_passes_when_every_point_holds():
    checks = acceptance(summaries())
    assert checks and all(c.passed for c in checks), [c.line() for c in checks if not c.passed]


def test_acceptance_fails_on_ops_growing_with_layouts_and_on_a_third_deploy():
    checks = acceptance(summaries(ours_first_300={**GOOD_FIRST, "deploy": 3}))
    failed = {c.name for c in checks if c.passed is False}
    assert "first run: MD operations (no polls) at 300 layouts/object <= at 3" in failed
    assert "first run at 300: at most 1 listMetadata, 2 retrieves, 2 deploys" in failed
    assert len(failed) == 2


def test_acceptance_fails_when_not_twice_as_fast_and_is_na_without_both_sizes():
    slow = acceptance(summaries(ours_wall=6.0, builtin_wall=10.0))
    assert [c.passed for c in slow if "wall time" in c.name] == [False] * 4
    one_size = acceptance(summaries(sizes=(3,)))
    assert [c.passed for c in one_size if "layouts/object <=" in c.name] == [None, None]


def test_acceptance_bounds_ccis_cpu_per_target_layout_between_the_smallest_and_largest_size():
    ok = [c for c in acceptance(summaries(sizes=(3, 1000), cpu_ms=0.9)) if "CPU" in c.name]
    assert [c.name for c in ok] == [
        f"{phase} run: cci CPU per target layout, 3 to 1000 layouts/object, <= 1 ms" for phase in (FIRST, SECOND)
    ]
    assert [c.passed for c in ok] == [True, True]
    assert ok[0].detail == "0.90 ms per layout (1.51 s at 9 target layouts, 4.20 s at 3000; start-up 1.50 s)"
    slow = [c for c in acceptance(summaries(sizes=(3, 1000), cpu_ms=1.2)) if "CPU" in c.name]
    assert [c.passed for c in slow] == [False, False] and slow[0].detail.startswith("1.20 ms per layout")
    one = [c for c in acceptance(summaries(sizes=(3,))) if "CPU" in c.name]
    assert [(c.passed, c.detail) for c in one] == [(None, "needs two sizes")] * 2


def test_acceptance_fails_on_a_deploy_in_the_second_run_or_a_wrong_result():
    s = summaries(sizes=(3,))
    s[1] = Summary(OURS, 3, SECOND, [metrics(2.0, {**GOOD_SECOND, "deploy": 1}, with_field=9)])
    failed = [c.name for c in acceptance(s) if c.passed is False]
    assert len(failed) == 2 and all(name.startswith("second run at 3") for name in failed)


def test_tables_show_medians_and_the_worst_correctness():
    s = [
        Summary(
            OURS,
            3,
            FIRST,
            [
                metrics(1.0, GOOD_FIRST),
                metrics(3.0, GOOD_FIRST, with_field=9),
                metrics(2.0, {**GOOD_FIRST, "describeMetadata": 1}, exit_code=1),
            ],
        )
    ]
    md = render_markdown(s).splitlines()
    assert len(md) == 3 and md[0].startswith("| flow |")
    cells = [c.strip() for c in md[2].strip("|").split("|")]
    assert cells[:9] == ["project flow", "3", "first", "3 (2)", "2.0", "1.0-3.0", "1.00", "64", "5"]
    assert "describeMetadata 0" in md[2] and cells[-1] == "9/10"
    assert "9/10" in render_text(s)


def test_run_arguments(capsys):
    assert run.sizes_arg("300,3,3") == [3, 300]
    for bad in ("x", "", "-1", "6000"):
        with pytest.raises(argparse.ArgumentTypeError):
            run.sizes_arg(bad)
    with pytest.raises(SystemExit):
        run.parse_args(["--runs", "0"])
    assert "--runs" in capsys.readouterr().err
    quick = run.parse_args(["--quick"])
    assert (quick.sizes, quick.runs) == ([3], 1)


def test_individuals_benchmark_runs_only_where_it_offers_quick(tmp_path, monkeypatch):
    script = tmp_path / "individuals.py"
    monkeypatch.setattr(run, "INDIVIDUALS", script)
    assert run.individuals_command(True) is None  # absent
    script.write_text("import argparse\nargparse.ArgumentParser().parse_args()\n")
    assert run.individuals_command(True) is None  # no quick mode
    script.write_text(
        "import argparse\np = argparse.ArgumentParser()\np.add_argument('--quick', "
        "action='store_true')\np.parse_args()\n"
    )
    assert run.individuals_command(True) == [sys.executable, str(script), "--quick"]
    assert run.individuals_command(False) == [sys.executable, str(script)]


def test_partial_phase_counts_for_correctness_only_and_orders_last():
    s = summaries(sizes=(3,))
    s += [
        Summary(OURS, 3, PARTIAL, [metrics(9.0, GOOD_FIRST, with_field=8)]),
        Summary(BUILTIN, 3, PARTIAL, [metrics(1.0, BUILTIN_OPS, with_field=4)]),
    ]
    checks = [c for c in acceptance(s) if c.name.startswith("partial")]
    assert [(c.passed, "layout has the field" in c.name) for c in checks] == [(False, True)]  # no time check
    assert [(x.phase, x.tool) for x in ordered(s)][-2:] == [(PARTIAL, OURS), (PARTIAL, BUILTIN)]


def test_run_py_works_as_a_script_and_refuses_bad_arguments_in_one_line(tmp_path):
    script = [sys.executable, str(flow.ROOT / "benchmarks" / "run.py")]
    helped = subprocess.run([*script, "--help"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert helped.returncode == 0 and "--sizes" in helped.stdout and "--quick" in helped.stdout
    bad = subprocess.run([*script, "--sizes", "3,abc"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--sizes" in bad.stderr and "whole numbers" in bad.stderr
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("")
    busy = subprocess.run([*script, "--workdir", str(tmp_path / "used")], capture_output=True, text=True, timeout=60)
    assert busy.returncode == 2 and "must be empty" in busy.stderr


def test_a_hung_cci_run_is_recorded_as_exit_minus_one_not_a_crash(tmp_path, monkeypatch):
    class FakeOrg:  # what timed_cci reads from LocalOrgProcess
        request_log = tmp_path / "requests.jsonl"
        metadata_dir = seeded_org(tmp_path / "org")
        env = dict(os.environ)

        def requests(self):
            return [req(MD, "deploy")]

    def hung(command, cwd, env):  # as measured_run answers a run it killed (tested below)
        return -1, "partial output\n(timed out)", resource.getrusage(resource.RUSAGE_SELF)

    monkeypatch.setattr(flow, "measured_run", hung)
    m = flow.timed_cci(FakeOrg(), tmp_path, "some_flow", tmp_path / "out.log")
    assert m.exit_code == -1 and m.target_layouts > 0 and m.with_field == 0
    assert "partial output" in (tmp_path / "out.log").read_text() and "timed out" in (tmp_path / "out.log").read_text()


def test_exit_status_is_0_with_fail_lines_and_1_only_when_a_benchmark_broke(tmp_path, monkeypatch, capsys):
    assert run.volume_command(True)[-1] == "--quick" and run.volume_command(False) == [sys.executable, str(run.VOLUME)]
    slow = summaries(ours_wall=9.0)  # the project flow no faster than the built-in: FAIL lines
    monkeypatch.setattr(run, "run_benchmark", lambda *a, **k: slow)
    monkeypatch.setattr(run, "individuals_command", lambda quick: None)
    passing = [sys.executable, "-c", "pass"]
    monkeypatch.setattr(run, "volume_command", lambda quick: passing)
    assert run.main(["--quick"]) == 0 and "FAIL" in capsys.readouterr().out
    failing = tmp_path / "failing.py"
    failing.write_text("raise SystemExit(3)\n")
    monkeypatch.setattr(run, "individuals_command", lambda quick: [sys.executable, str(failing)])
    assert run.main(["--quick"]) == 1 and "individuals.py failed" in capsys.readouterr().err
    monkeypatch.setattr(run, "individuals_command", lambda quick: None)
    monkeypatch.setattr(run, "volume_command", lambda quick: [sys.executable, str(failing)])
    assert run.main(["--quick"]) == 1 and "volume.py failed" in capsys.readouterr().err

    def broken(*a, **k):
        raise RuntimeError("the local org did not start")

    monkeypatch.setattr(run, "run_benchmark", broken)
    assert run.main(["--quick"]) == 1


def test_a_measured_run_gives_its_own_peak_memory_and_cpu_not_an_earlier_childs(tmp_path):
    grow = "import sys; b = bytearray(int(sys.argv[1]) << 20); b[::4096] = b'x' * len(b[::4096]); print('done')"
    # A child's peak starts at its parent's peak when forked (this test process's): allocate well above it.
    floor_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    _, _, big = measured_run([sys.executable, "-c", grow, str(floor_mb + 300)], tmp_path, dict(os.environ))
    code, output, small = measured_run([sys.executable, "-c", grow, "1"], tmp_path, dict(os.environ))
    assert (code, output.strip()) == (0, "done")
    assert big.ru_maxrss / 1024 >= floor_mb + 300 > small.ru_maxrss / 1024
    assert small.ru_utime + small.ru_stime > 0


def test_a_measured_run_that_outlives_its_timeout_is_killed_and_says_so(tmp_path):
    code, output, _ = measured_run([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path, {}, timeout=0.5)
    assert code == -1 and output.endswith("(timed out)")
