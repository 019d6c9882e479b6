"""The comparative claims of chapter 07's prose, checked on its executed notebook.

The chapter's noise estimate for accuracies is the paired standard error of
`course_utils.training.paired_comparison` (chapter 06's rule: a difference of less than about two
standard errors is noise); its other claims compare measurements that differ by factors, and
their tolerances are factors well inside what the runs show. Claims about validation accuracy
are about generalisation and name only the subset: the stand-in's validation digits are copies
of its training digits.
"""

from bench.claims import Claim

_SIGMOID = 'norm_history["sigmoid"]'
_RELU = 'norm_history["relu"]'
_FACTORS_AT_START = f"({_SIGMOID}.iloc[0].to_numpy()[1:] / {_SIGMOID}.iloc[0].to_numpy()[:-1])"
_SPREAD = 'spreads["sigmoid"]'
_HIDDEN_SHRINK = f"({_SPREAD}.loc[LAYERS[:5]].to_numpy() / {_SPREAD}.loc[LAYERS[1:6]].to_numpy())"
_RELU_SHRINK = (
    "(spreads['relu'].loc[LAYERS[:5]].iloc[:, 0].to_numpy()"
    " / spreads['relu'].loc[LAYERS[1:6]].iloc[:, 0].to_numpy())"
)

CLAIMS = [
    # Section 1: weight snapshots.
    Claim(
        text="after ten steps the templates have moved by about a tenth of their size",
        holds="linear_change[10] < 0.15",
        show="linear_change",
    ),
    Claim(
        text="the pixels blank in every training digit the model saw keep their starting weights",
        holds="blank.sum() > 0 and blank_moved == 0",
        show="(int(blank.sum()), float(blank_moved))",
    ),
    Claim(
        text="the weights in the middle have grown",
        holds="np.abs(linear_snapshots[max(SNAPSHOT_STEPS)][~blank]).mean()"
        " > 1.5 * np.abs(linear_snapshots[0][~blank]).mean()",
        show="(float(np.abs(linear_snapshots[0][~blank]).mean()),"
        " float(np.abs(linear_snapshots[max(SNAPSHOT_STEPS)][~blank]).mean()))",
    ),
    Claim(
        text="the hidden units move less, relative to their start, than the linear templates",
        holds="mlp_change[max(mlp_change)] < 0.8 * linear_change[max(linear_change)]",
        show="(mlp_change[max(mlp_change)], linear_change[max(linear_change)])",
    ),
    # generalisation: the subset only
    Claim(
        text="the hidden units' features classify at least as well as the templates",
        holds="linear_vs_mlp.standard_errors > -2",
        show="str(linear_vs_mlp)",
        on=("subset",),
    ),
    # Section 2: feature maps.
    Claim(
        text="a second-layer map is active on a smaller share of its pixels than a first-layer map",
        holds="np.mean(second_maps > 0) < np.mean(first_maps > 0) and "
        "np.mean(explain.activations(cnn, 'conv_2', hundred) > 0)"
        " < np.mean(explain.activations(cnn, 'conv_1', hundred) > 0)",
        show="[round(float(np.mean(m > 0)), 3) for m in (first_maps, second_maps,"
        " explain.activations(cnn, 'conv_1', hundred),"
        " explain.activations(cnn, 'conv_2', hundred))]",
    ),
    # Section 3: saliency.
    Claim(
        text="the linear classifier's class-3 saliency is the class-3 template, for every digit",
        holds="difference < 1e-5",
        show="float(difference)",
    ),
    Claim(
        text="two digits' maps for one class are far more alike than two classes' for one digit",
        holds="same_class > same_digit + 0.3",
        show="(round(float(same_class), 3), round(float(same_digit), 3))",
    ),
    Claim(
        text="where the probability is close to 1, its gradient is far smaller than the logit's",
        holds="(saturation.probability > 0.99).any()"
        " and (saturation.ratio[saturation.probability > 0.99] < 0.1).all()",
        show="saturation[['probability', 'ratio']].round(4).values.tolist()",
    ),
    Claim(
        text="the probability's gradient over the logit's falls as the probability nears 1",
        holds="saturation[['probability', 'ratio']].corr('spearman').iloc[0, 1] < -0.5",
        show="round(float(saturation[['probability', 'ratio']].corr('spearman').iloc[0, 1]), 3)",
    ),
    # Section 4, backward: gradient norms of the kernels.
    Claim(
        text="sigmoids, step 0: each kernel's gradient is smaller than the next one's, by 2 to 5",
        holds=f"(({_FACTORS_AT_START} > 2) & ({_FACTORS_AT_START} < 5)).all()",
        show=f"{_FACTORS_AT_START}.round(2).tolist()",
    ),
    Claim(
        text="sigmoids, step 0: the first layer's gradient is far smaller than the output layer's",
        holds=f"{_SIGMOID}.iloc[0]['layer 7'] > 100 * {_SIGMOID}.iloc[0]['layer 1']",
        show=f"float({_SIGMOID}.iloc[0]['layer 7'] / {_SIGMOID}.iloc[0]['layer 1'])",
    ),
    Claim(
        text="the output layer's gradient drops at first, then stays a few times above the others",
        holds=f"{_SIGMOID}['layer 7'].iloc[-1] < {_SIGMOID}['layer 7'].iloc[0] / 2 and "
        f"({_SIGMOID}['layer 7'] > 2 * {_SIGMOID}.drop(columns='layer 7').max(axis=1)).all()",
        show=f"({_SIGMOID}['layer 7'] / {_SIGMOID}.drop(columns='layer 7').max(axis=1))"
        ".round(2).tolist()",
    ),
    Claim(
        text="sigmoids: the two lowest lines lose the gap of step 0 and come close",
        holds=f"({_SIGMOID}['layer 2'] / {_SIGMOID}['layer 1']).iloc[1:].max() < 2"
        f" < ({_SIGMOID}['layer 2'] / {_SIGMOID}['layer 1']).iloc[0]",
        show=f"({_SIGMOID}['layer 2'] / {_SIGMOID}['layer 1']).round(2).tolist()",
    ),
    Claim(
        text="with ReLUs the seven layers' gradients stay within a small factor of each other",
        holds=f"({_RELU}.max(axis=1) / {_RELU}.min(axis=1) < 10).all()",
        show=f"float(({_RELU}.max(axis=1) / {_RELU}.min(axis=1)).max())",
    ),
    Claim(
        text="the sigmoid network learns little in the steps it had (ReLU ahead beyond the noise)",
        holds="sigmoid_vs_relu.standard_errors > 2",
        show="str(sigmoid_vs_relu)",
    ),
    # Section 4, forward: spread of the layers' outputs over the probe digits.
    Claim(
        text="sigmoids: the spread shrinks by a factor of about four at every layer",
        holds=f"(({_HIDDEN_SHRINK} > 3) & ({_HIDDEN_SHRINK} < 6)).all()",
        show=f"{_HIDDEN_SHRINK}.round(2).tolist()",
    ),
    Claim(
        text="by layer 6 the digits give almost the same numbers, and the softmax outputs too",
        holds=f"({_SPREAD}.loc[['layer 6', 'layer 7']] < 1e-3).all().all()",
        show=f"{_SPREAD}.loc[['layer 6', 'layer 7']].to_numpy().tolist()",
    ),
    Claim(
        text="training does not change the sigmoid network's spreads",
        holds=f"(({_SPREAD}.iloc[:, 1] / {_SPREAD}.iloc[:, 0]).between(0.5, 2)).all()",
        show=f"({_SPREAD}.iloc[:, 1] / {_SPREAD}.iloc[:, 0]).round(3).tolist()",
    ),
    Claim(
        text="the output layer's inputs, sigmoid outputs between 0 and 1, are not small",
        holds="sigmoid_layer_6.mean() > 0.1",
        show="(float(sigmoid_layer_6.min()), float(sigmoid_layer_6.mean()),"
        " float(sigmoid_layer_6.max()))",
    ),
    Claim(
        text="the ReLU network loses far less spread per layer, and its outputs end up differing",
        holds=f"({_RELU_SHRINK} < 2).all() and spreads['relu'].loc['layer 7'].iloc[-1] > 0.05",
        show=f"({_RELU_SHRINK}.round(2).tolist(), float(spreads['relu'].loc['layer 7'].iloc[-1]))",
    ),
    Claim(
        text="the sigmoid network gives (almost) every digit one class: no better than guessing",
        holds="np.bincount(deep_predictions['sigmoid']).max() > 0.9 * len(digits.y_val)"
        " and sigmoid_vs_relu.accuracy_a < 0.2",
        show="(np.bincount(deep_predictions['sigmoid'], minlength=10).tolist(),"
        " sigmoid_vs_relu.accuracy_a)",
    ),
    # Exercise 7.4: the model answer clears its bar with a margin.
    Claim(
        text="the model answer to 7.4 reaches the bar the cell prints, with a margin",
        holds="deep_validation >= deep_bar(digits) + 0.02",
        show="(float(deep_validation), deep_bar(digits))",
    ),
    # Section 5: shuffled pixels; generalisation, so the subset only.
    Claim(
        text="the MLP's accuracies on original and shuffled pixels differ by < 2 standard errors",
        holds="abs(mlp_shuffle.standard_errors) < 2",
        show="str(mlp_shuffle)",
        on=("subset",),
    ),
    Claim(
        text="the CNN on shuffled digits falls below the CNN on the originals by many std. errors",
        holds="cnn_shuffle.standard_errors < -4",
        show="str(cnn_shuffle)",
        on=("subset",),
    ),
]
