"""The comparative claims of chapter 02's prose. Noise: the standard error of a validation
accuracy, ``val_noise``, which the notebook prints beside the best setting of its sweep."""

from bench.claims import Claim

TABLE = "sweep.pivot(index='learning rate', columns='batch size', values='validation accuracy')"
LOSS = "hand_history['loss']"

CLAIMS = [
    Claim(
        text="The training loss falls fast over the first steps and then ever more slowly",
        holds=f"np.log(10) - {LOSS}.iloc[0] > {LOSS}.iloc[0] - {LOSS}.iloc[-1]"
        f" and {LOSS}.iloc[0] - {LOSS}.iloc[len({LOSS}) // 2]"
        f" > {LOSS}.iloc[len({LOSS}) // 2] - {LOSS}.iloc[-1]",
        show=f"{LOSS}.iloc[[0, len({LOSS}) // 2, -1]].round(3).to_dict()",
    ),
    Claim(
        text="Before training, its predictions are no better than guessing (one in ten)",
        holds="np.mean(guess == digits.y_test) < 0.1 + 2 * np.sqrt(0.09 / len(digits.y_test))",
        show="round(float(np.mean(guess == digits.y_test)), 3)",
    ),
    Claim(
        text="Too small a learning rate barely moves in the steps it is given",
        holds=f"{TABLE}.loc[1e-4].min() < {TABLE}.values.max() - 2 * val_noise",
        show=f"{TABLE}.round(3).to_dict()",
    ),
    Claim(
        text="too large a one overshoots",
        holds=f"({TABLE}.loc[1e-1] < {TABLE}.max() - 2 * val_noise).any()",
        show=f"{TABLE}.loc[1e-1].round(3).to_dict()",
    ),
    Claim(
        text="Large batches ... need a larger learning rate",
        holds=f"{TABLE}[1024].idxmax() > {TABLE}[16].idxmax()",
        show=f"{TABLE}.idxmax().to_dict()",
    ),
    # Validation against test accuracy: the stand-in's validation digits are training digits.
    Claim(
        text="the best setting lands within a few points of the hand-made loop and the Keras run",
        holds="abs(best['validation accuracy'] - hand_test_accuracy) < 0.03"
        " and abs(best['validation accuracy'] - keras_test_accuracy) < 0.03",
        show="(round(best['validation accuracy'], 3), round(hand_test_accuracy, 3),"
        " round(keras_test_accuracy, 3))",
        on=("subset",),
    ),
    Claim(
        text="on the offline subset, with fewer training digits, they stop lower than 92%",
        holds="max(best['validation accuracy'], hand_test_accuracy, keras_test_accuracy) < 0.92",
        show="max(best['validation accuracy'], hand_test_accuracy, keras_test_accuracy)",
        on=("subset",),
    ),
]
