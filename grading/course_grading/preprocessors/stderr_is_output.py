"""Stderr text shown as ordinary output: only an exception fails a cell."""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor


class StderrIsOutput(NbGraderPreprocessor):
    """Stderr text is shown as ordinary output: only an exception fails a cell.

    nbgrader scores a cell that writes to stderr as failed, even a correct one that warns.
    """

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                output["name"] = "stdout"
        return cell, resources
