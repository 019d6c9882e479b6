"""`course_grading.settings`: the typed configuration, its checks, and the command-line options
of `course grade` (`course_grading.cli`) that override it.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import pytest
from traitlets.config import Config

from course_grading import cli, settings
from course_grading.course import GradingError
from tests.grading_support import config_of
from tests.notebooks import ROOT

pytestmark = pytest.mark.unit


def test_course_grade_reads_typed_settings_and_options_override_them():
    config = config_of(timeout=30, chapter_timeouts={"04": 90}, memory_gib=3, figures=True)
    grade = settings.course_grade(config, jobs=2, memory_gib=None)
    assert (grade.timeout_for("01"), grade.timeout_for("04")) == (30, 90)
    assert (grade.memory_gib, grade.figures, grade.jobs, grade.sandbox) == (3.0, True, 2, "auto")
    assert settings.course_id(config) == "digits" and settings.course_id(Config()) == "course"


@pytest.mark.parametrize(
    ("grade", "overrides", "message"),
    [
        ({"timout": 30}, {}, "unknown option CourseGrade.timout; did you mean timeout"),
        ({"timeout": "60"}, {}, "timeout"),
        ({"timeout": 0}, {}, "timeout"),
        ({"chapter_timeouts": {"04": -5}}, {}, "chapter_timeouts"),
        ({"memory_gib": 0}, {}, "memory_gib must be more than 0"),
        ({"sandbox": "docker"}, {}, "sandbox"),
        ({}, {"jobs": 0}, "jobs"),
        ({}, {"timeout": -1}, "timeout"),
    ],
)
def test_course_grade_reports_typos_wrong_types_and_values(grade, overrides, message):
    with pytest.raises(GradingError, match=message):
        settings.course_grade(config_of(**grade), **overrides)


def test_a_misspelt_section_is_reported():
    config = config_of()
    config.CourseGrades.timeout = 30
    with pytest.raises(GradingError, match="unknown section CourseGrades"):
        settings.course_grade(config)


def test_the_courses_own_settings_are_valid():
    grade = settings.course_grade(settings.load_config(ROOT))
    assert grade.timeout_for("01_data_and_baseline") == grade.timeout
    assert grade.timeout_for("04_cnn") > grade.timeout


def test_course_grade_help_all_lists_the_settings(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parse_arguments(["grade", "--help-all"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--timeout" in out and "c.CourseGrade.chapter_timeouts=" in out


def test_help_lists_every_setting_as_nbgrader_config_writes_it():
    text = settings.help_text()
    for name in settings.CourseGrade.class_trait_names(config=True):
        assert f"c.CourseGrade.{name}=" in text


@pytest.mark.parametrize(
    ("option", "text", "message"),
    [
        ("--jobs", "0", "jobs.*not be less than 1"),
        ("--timeout", "-2", "timeout.*not be less than 1"),
        ("--disk", "x", "invalid literal for int"),
        ("--memory", "0", "memory_gib must be more than 0"),
        ("--cpus", "-1", "cpus must be more than 0"),
        ("--sandbox", "docker", "sandbox.*auto.*bwrap.*none"),
    ],
)
def test_an_option_is_checked_by_its_setting(option, text, message):
    arguments = cli.parse_arguments(["grade", "01", "inbox", option, text])
    overrides = {name: getattr(arguments, name) for name in settings.options()}
    with pytest.raises(GradingError, match=message):
        settings.course_grade(Config(), **overrides)


def test_every_option_is_one_setting_declared_once(capsys):
    import inspect

    arguments = cli.parse_arguments(["grade", "01", "inbox", "--memory", "2.5", "-j", "3"])
    traits = settings.options()
    assert set(traits) == set(settings.CourseGrade.class_trait_names(config=True)) - {
        "chapter_timeouts"
    }
    assert {name: getattr(arguments, name) for name in traits} == {
        **dict.fromkeys(traits),
        "memory_gib": "2.5",
        "jobs": "3",
    }
    chosen = settings.course_grade(config_of(timeout=30, chapter_timeouts={"04": 90}), timeout="5")
    assert (chosen.memory_gib, chosen.timeout_for("04")) == (4.0, 5), "the option holds for all"
    source = inspect.getsource(cli)
    assert not [t.metadata["option"] for t in traits.values() if t.metadata["option"] in source]
    with pytest.raises(SystemExit):
        cli.parse_arguments(["grade", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert " ".join(traits["memory_gib"].help.split()) in shown, "its help is the trait's"
