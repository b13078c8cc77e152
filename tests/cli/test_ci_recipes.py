"""The CI recipes of the README work on a school's own repository (issue 19.6): the GitHub
Actions workflow's steps and the pre-commit hook (``.pre-commit-hooks.yaml``), tried on a
temporary git repository with a rules file, as a school would lay it out."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import DUIF, OKG, ROOT

BIN = Path(sys.executable).parent
README = (ROOT / "README.md").read_text("utf-8")
RECIPES = ["README.md", "docs/regels.md"]  # both show the workflow and the pre-commit config


def readme_yaml_block(starting: str, document: str = "README.md") -> Any:
    """The document's ```yaml block whose first line is ``starting``."""
    text = (ROOT / document).read_text("utf-8")
    for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL):
        if block.startswith(starting):
            return yaml.safe_load(block)
    raise AssertionError(f"no yaml block starting with {starting!r} in {document}")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=school", "-c", "user.email=ict@school.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def school_repository(tmp_path: Path, *, broken: bool = False) -> Path:
    """A school's repository: rules/cycle.yaml (the Duif's), optionally a broken second
    rules file, and a broken YAML file outside rules/ that no hook should look at."""
    repo = tmp_path / "school"
    (repo / "rules").mkdir(parents=True)
    shutil.copy(DUIF, repo / "rules" / "cycle.yaml")
    (repo / "docs").mkdir()
    (repo / "docs" / "kapot.yaml").write_text("dit: [is geen regelbestand\n", "utf-8")
    if broken:
        text = DUIF.read_text("utf-8").replace("groepen: 1 t/m 8", "groepen: 1 t/m 9", 1)
        (repo / "rules" / "kapot.yml").write_text(text, "utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "regels")
    return repo


def run_step(command: str, repo: Path) -> subprocess.CompletedProcess[str]:
    """One ``run:`` step as GitHub runs it (bash -e), with this checkout's gesprekken."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "-e", "-c", command], cwd=repo, env=env, capture_output=True, text=True
    )


# --- GitHub Actions ---


@pytest.mark.parametrize("document", RECIPES)
def test_the_readme_workflow_is_a_workflow(document: str) -> None:
    workflow = readme_yaml_block("name: regels", document)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "pull_request"}
    steps = workflow["jobs"]["validate"]["steps"]
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses == ["actions/checkout", "actions/setup-python"]
    python = next(step for step in steps if "setup-python" in step.get("uses", ""))
    assert tuple(map(int, python["with"]["python-version"].split("."))) >= (3, 11)
    runs = [step["run"] for step in steps if "run" in step]
    assert runs[0].startswith("pip install git+https://")
    assert runs[1:] and all(run.startswith("gesprekken ") for run in runs[1:])


@pytest.mark.parametrize("document", RECIPES)
def test_the_readme_workflow_passes_a_good_rules_file(tmp_path: Path, document: str) -> None:
    repo = school_repository(tmp_path)
    steps = readme_yaml_block("name: regels", document)["jobs"]["validate"]["steps"]
    for step in steps:
        if "run" in step and not step["run"].startswith("pip "):
            done = run_step(step["run"], repo)
            assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("document", RECIPES)
def test_the_readme_workflow_annotates_a_broken_rules_file(tmp_path: Path, document: str) -> None:
    repo = school_repository(tmp_path)
    cycle = repo / "rules" / "cycle.yaml"
    cycle.write_text(cycle.read_text("utf-8").replace("groepen: 1 t/m 8", "groepen: 9", 1))
    steps = readme_yaml_block("name: regels", document)["jobs"]["validate"]["steps"]
    validate = next(s["run"] for s in steps if s.get("run", "").startswith("gesprekken validate"))
    done = run_step(validate, repo)
    assert done.returncode == 1
    assert re.search(r"^::error file=rules/cycle\.yaml,line=\d+,col=\d+", done.stdout, re.M)
    assert "groep 9 bestaat niet" in done.stdout


def test_strict_fails_by_design_on_the_second_schools_example() -> None:
    """The seed's table leaves groep 7 out in February: two warnings, so --strict exits 1;
    the README says so beside the recipe."""
    done = run_step(f"gesprekken validate --strict --format github {shlex.quote(str(OKG))}", ROOT)
    assert done.returncode == 1
    codes = re.findall(r"title=gesprekken ([\w-]+)::", done.stdout)
    assert sorted(codes) == ["geen-verplicht-gesprek", "groep-ontbreekt"]
    assert run_step(f"gesprekken validate {shlex.quote(str(OKG))}", ROOT).returncode == 0
    recipe = README.split("### Controleren in de CI van je school", 1)[1].split("\n## ", 1)[0]
    assert "examples/ouder-kindgesprekken.yaml" in recipe and "groep 7" in recipe


# --- pre-commit ---


def hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [h["id"] for h in hooks] == ["gesprekken-validate"]
    found: dict[str, Any] = hooks[0]
    return found


@pytest.mark.parametrize("document", RECIPES)
def test_the_readme_pre_commit_config_names_the_hook(document: str) -> None:
    config = readme_yaml_block("repos:", document)
    assert [h["id"] for h in config["repos"][0]["hooks"]] == [hook()["id"]]


def test_the_hook_sees_rules_files_only() -> None:
    files = re.compile(hook()["files"])
    for path in ("rules/cycle.yaml", "rules/school-b.yml"):
        assert files.search(path), path
    for path in ("docs/kapot.yaml", "rules/cycle.schema.json", "examples/cycle.yaml"):
        assert not files.search(path), path


def test_the_hook_entry_as_pre_commit_calls_it(tmp_path: Path) -> None:
    """pre-commit runs ``entry`` with the matching files as arguments (pass_filenames)."""
    repo = school_repository(tmp_path, broken=True)
    files = re.compile(hook()["files"])
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.split()
    matching = [path for path in tracked if files.search(path)]
    assert matching == ["rules/cycle.yaml", "rules/kapot.yml"]
    done = run_step(" ".join([hook()["entry"], *matching]), repo)
    assert done.returncode == 1
    assert "rules/kapot.yml:" in done.stderr and "docs/kapot.yaml" not in done.stderr
    assert run_step(f"{hook()['entry']} rules/cycle.yaml", repo).returncode == 0


def test_pre_commit_try_repo_on_a_school_repository(tmp_path: Path) -> None:
    """The real thing: ``pre-commit try-repo`` installs this checkout as the hook (about a
    minute: it builds its own environment) and runs it on the school's repository."""
    pre_commit = shutil.which("pre-commit", path=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit to try the hook)")
    if not (ROOT / ".git").exists():
        pytest.skip("try-repo needs this checkout as a git repository")
    repo = school_repository(tmp_path, broken=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    done = subprocess.run(
        [pre_commit, "try-repo", str(ROOT), hook()["id"], "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert re.search(r"gesprekken validate \(regelbestand gesprekkencyclus\)\.+Failed", output)
    assert re.search(r"rules/kapot\.yml:\d+:\d+: gesprekken\[0\]\.groepen", output), output
    assert "docs/kapot.yaml" not in output
