"""Shared code for the Digits course: configuration, data, models, training and plots.

Importing the package only quiets TensorFlow's start-up logging (it must happen before TensorFlow
is imported); seeding and everything else are explicit calls.
"""

from course_utils import config

config.quiet_tensorflow()

__version__ = "0.1.0"
