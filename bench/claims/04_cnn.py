"""The comparative claims of chapter 04's prose. Noise: what one validation digit is worth,
which the notebook prints below its comparison of variants; the timing claim has a margin of
its own, since seconds depend on the machine's load."""

from bench.claims import Claim

SECONDS = "variants_table['seconds']"
PARAMETERS = "variants_table['parameters']"
POOLING, STRIDE = "'two conv layers, pooling'", "'two conv layers, stride 2'"
LARGEST = "max(layer.count_params() for layer in classic.layers)"

CLAIMS = [
    Claim(
        text="Most of its 3.3 million parameters sit in the dense layer after the convolutions",
        holds=f"{LARGEST} > 0.9 * classic.count_params()",
        show=f"({LARGEST}, classic.count_params())",
    ),
    Claim(
        text="the trained classic CNN clears the bar the hidden tests set for the data loaded",
        holds="classic_accuracy >= bar",
        show="(round(classic_accuracy, 4), bar)",
    ),
    Claim(
        text="Strided convolutions compute each feature map at a quarter of the positions, "
        "so they are faster",
        holds=f"{SECONDS}[{STRIDE}] < 0.8 * {SECONDS}[{POOLING}]",
        show=f"{SECONDS}.round(1).to_dict()",
    ),
    Claim(
        text="(model answer 4.5) the stride-2 network has the same convolution parameters",
        holds=f"{PARAMETERS}[{STRIDE}] == {PARAMETERS}[{POOLING}]",
        show=f"{PARAMETERS}.to_dict()",
    ),
    Claim(
        text="a network of about 34,000 parameters",
        holds="abs(course_cnn.count_params() - 34_000) < 1_000",
        show="course_cnn.count_params()",
    ),
    Claim(
        text="a small CNN with about 1% of the classic network's parameters",
        holds="0.005 < course_cnn.count_params() / classic.count_params() < 0.015",
        show="round(course_cnn.count_params() / classic.count_params(), 4)",
    ),
]
