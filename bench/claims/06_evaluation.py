"""The comparative claims of chapter 06's prose, checked on its executed notebook.

The chapter's noise estimates are its own: the standard error of an accuracy ``p`` on ``n``
digits, ``sqrt(p (1 - p) / n)`` (``standard_error`` in section 7), and the paired standard error
of two models on the same digits, ``sqrt(b + c) / n`` (``comparisons`` in section 8). A claim
that one number exceeds another asks for more than two such standard errors, the rule section 8
teaches. On the stand-in the 1,000 test digits of the subset are tiled to 10,000, so these
standard errors come out about sqrt(10) times too small there: the subset's check is the strict
one. Claims the prose makes about the offline subset alone, and about the bar, whose accuracies
on the stand-in mean nothing, name only the subset.
"""

from bench.claims import Claim

_NETWORKS = ("MLP", "CNN")
_CNN_ACCURACY = "np.trace(cnn_matrix) / cnn_matrix.sum()"
_MICRO = "metrics.precision_recall_fscore_support(y_test, predictions['CNN'], average='micro')[:3]"

CLAIMS = [
    # Section 1, Exercise 6.1: the stand-in's test digits are the subset's, so its accuracy says
    # nothing about the bar of full MNIST.
    Claim(
        text="Each bar is a few points below what the model answer reaches there",
        holds="cnn_accuracy - cnn_bar(digits) > 2 * standard_error(cnn_accuracy, len(y_test))",
        show="(round(cnn_accuracy, 4), cnn_bar(digits), "
        "round(float(standard_error(cnn_accuracy, len(y_test))), 4))",
        on=("subset",),
    ),
    # Section 2.
    Claim(
        text="a correct loop (one more batch when there is a remainder) agrees with predict",
        holds="np.abs(by_hand - probabilities['CNN']).max() < 1e-4",
        show="float(np.abs(by_hand - probabilities['CNN']).max())",
    ),
    # Section 3.
    Claim(
        text="Most of the colour sits on the diagonal, because the network is right most of the"
        " time",
        holds=f"{_CNN_ACCURACY} > 0.5",
        show=f"float({_CNN_ACCURACY})",
    ),
    Claim(
        text="The logistic baseline makes more mistakes (than the CNN)",
        holds='comparisons["logistic", "CNN"]["difference"]'
        ' > 2 * comparisons["logistic", "CNN"]["standard error"]',
        show='comparisons["logistic", "CNN"]',
    ),
    # Section 4.
    Claim(
        text="micro precision, micro recall and micro F1 all equal the accuracy",
        holds=f"np.allclose({_MICRO}, {_CNN_ACCURACY})",
        show=f"({_MICRO}, float({_CNN_ACCURACY}))",
    ),
    Claim(
        text="On MNIST, whose classes are nearly balanced, macro and micro averages are close",
        holds=f"max(abs(value - {_CNN_ACCURACY}) for value in ours.values())"
        f" < standard_error({_CNN_ACCURACY}, len(y_test))",
        show=f"({{key: round(float(value), 4) for key, value in ours.items()}}, "
        f"round(float({_CNN_ACCURACY}), 4))",
    ),
    # Section 5.
    Claim(
        text="Some pairs usually come back across models",
        holds="len({(true, predicted) for matrix in matrices.values()"
        " for true, predicted, _ in most_confused(matrix)})"
        " < sum(len(most_confused(matrix)) for matrix in matrices.values())",
        show="{name: most_confused(matrix) for name, matrix in matrices.items()}",
    ),
    # Section 7: the toy models.
    Claim(
        text="The bold model gets more digits right, but gives it the higher log-loss",
        holds="np.mean(bold.argmax(axis=1) == toy_labels)"
        " > np.mean(cautious.argmax(axis=1) == toy_labels)"
        " and metrics.log_loss(toy_labels, bold, labels=[0, 1])"
        " > metrics.log_loss(toy_labels, cautious, labels=[0, 1])",
        show="(metrics.log_loss(toy_labels, cautious, labels=[0, 1]),"
        " metrics.log_loss(toy_labels, bold, labels=[0, 1]))",
    ),
    # Section 7: the reliability diagram and the ECE.
    Claim(
        text="A network trained for long puts most test digits into the last bin",
        holds="all(calibration.loc['last bin: share of the digits', name] > 0.5"
        f" for name in {_NETWORKS})",
        show="calibration.loc['last bin: share of the digits'].to_dict()",
    ),
    Claim(
        text="a network that is almost sure of most digits (quantile bins pile up near 1)",
        holds=f"all(np.median(probabilities[name].max(axis=1)) > 0.99 for name in {_NETWORKS})",
        show=f"{{name: float(np.median(probabilities[name].max(axis=1))) for name in {_NETWORKS}}}",
    ),
    # A float32 softmax's mean confidence is rounded to about 1e-8.
    Claim(
        text="The ECE is never smaller than the overall gap between mean confidence and accuracy",
        holds="(calibration.loc['ECE'] >= calibration.loc['overall: confidence - accuracy'].abs()"
        " - 1e-6).all()",
        show="calibration.loc[['ECE', 'overall: confidence - accuracy']].round(4).to_dict()",
    ),
    # The prose says this of the offline subset.
    Claim(
        text="both networks come out more confident than accurate by more than two standard errors,"
        " over all digits and in the last bin alone",
        holds="all(calibration.loc[row, name] > 2 for name in "
        f"{_NETWORKS} for row in ['overall: in standard errors', 'last bin: in standard errors'])",
        show="calibration.loc[['overall: in standard errors', 'last bin: in standard errors'],"
        f" list({_NETWORKS})].round(2).to_dict()",
        on=("subset",),
    ),
    Claim(
        text="the logistic regression leans the other way",
        holds="calibration.loc['overall: in standard errors', 'logistic'] < -2",
        show="round(float(calibration.loc['overall: in standard errors', 'logistic']), 2)",
        on=("subset",),
    ),
    # Section 9.
    Claim(
        text="the submission file is read back and checked the way a grader would",
        holds="all(checks.values())"
        " and np.mean(submitted['Label'].to_numpy() == y_test)"
        " == np.mean(predictions['CNN'] == y_test)",
        show="checks",
    ),
]
