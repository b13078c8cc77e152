"""Problem.render: the one line every problem is printed as."""

from gesprekken_cli.errors import Problem


def test_a_positioned_warning_renders_like_validate() -> None:
    problem = Problem("regels.yaml", "te laat", 3, 5, "gesprekken[0]", "x-y", "warning")
    assert problem.render() == "regels.yaml:3:5: gesprekken[0]: waarschuwing: te laat [x-y]"


def test_a_problem_without_a_file_starts_with_its_message() -> None:
    assert Problem("", "niets", code="c", severity="warning").render() == "waarschuwing: niets [c]"
    assert Problem("", "fout").render() == "fout"
