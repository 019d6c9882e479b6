"""The comparative claims of chapter 03's prose. Noise: the standard error of a validation
accuracy, ``val_noise``, which the notebook prints below its learning-rate search."""

from bench.claims import Claim

ACCURACY = "comparison['validation accuracy']"
PARAMETERS = "comparison['parameters']"
RATES = "search['validation accuracy']"

CLAIMS = [
    Claim(
        text="An untrained network scores the classes almost at random: its accuracy is near 10%",
        holds="abs(untrained_accuracy - 0.1) < 3 * np.sqrt(0.09 / len(digits.y_val))",
        show="round(float(untrained_accuracy), 3)",
    ),
    Claim(
        text="all three methods agree to many digits: around 1e-7 or smaller is a pass",
        holds="gradient_check.values.max() < 1e-6",
        show="float(gradient_check.values.max())",
    ),
    Claim(
        text="a rate that is too large ... ends below its neighbours",
        holds=f"{RATES}[1e-2] < {RATES}[3e-3] - 2 * val_noise",
        show=f"{RATES}.round(4).to_dict()",
    ),
    Claim(
        text="Parameters grow with width much faster than accuracy can",
        holds=f"{PARAMETERS}['(1024,)'] > 10 * {PARAMETERS}['(64,)']"
        f" and {ACCURACY}['(1024,)'] - {ACCURACY}['(64,)'] < 0.05",
        show=f"{ACCURACY}.round(4).to_dict()",
    ),
    # Generalisation: the stand-in's validation digits are copies of training digits.
    Claim(
        text="On the small offline subset every network overfits eventually",
        holds=f"(comparison['training accuracy'] - {ACCURACY}).min() > 2 * val_noise",
        show=f"(comparison['training accuracy'] - {ACCURACY}).round(4).to_dict()",
        on=("subset",),
    ),
    Claim(
        text="Offline the model answer clears its bar by a few points",
        holds="deep_validation - deep_bar(digits) > 2 * val_noise",
        show="(round(deep_validation, 4), deep_bar(digits), round(val_noise, 4))",
        on=("subset",),
    ),
    # Width against depth on validation digits is generalisation: not on the stand-in.
    Claim(
        text="(model answer 3.6) the 1,024-unit single layer is no better, or barely better, on "
        "validation than 256-256, which has a third of its parameters",
        holds=f"{ACCURACY}['(1024,)'] - {ACCURACY}['(256, 256)'] < 2 * val_noise"
        f" and 2.5 < {PARAMETERS}['(1024,)'] / {PARAMETERS}['(256, 256)'] < 3.5",
        show="comparison.loc[['(1024,)', '(256, 256)'], ['parameters', 'validation accuracy']]"
        ".to_dict()",
        on=("subset",),
    ),
]
