"""The comparative claims of chapter 05's prose, checked on the executed notebook (`bench.claims`).

The noise is the chapter's own (section 3): ``noise`` is how far apart the final validation
cross-entropies of one setting's seeds lie, ``accuracy_noise`` the same for validation accuracy.
Claims about generalisation (a validation loss lower or higher, a gap between training and
validation) hold only on the subset: the stand-in's validation digits are copies of its training
digits.
"""

from bench.claims import Claim

REGULARISED = ("dropout", "L2 0.001", "weight decay 1")


def values(*expressions: str, digits: int = 4) -> str:
    """A `show` expression: the values of ``expressions`` as plain rounded floats."""
    return f"tuple(round(float(value), {digits}) for value in ({', '.join(expressions)},))"


def by_setting(expression: str) -> str:
    """A `show` expression: a Series by setting, as a dict of rounded floats."""
    return f"{{name: round(float(value), 4) for name, value in ({expression}).items()}}"


PLAIN_LOWEST_EPOCH = "plain_run.history['val_cross_entropy'].idxmin()"

CLAIMS = [
    # Section 1.
    Claim(
        text="training accuracy reaches 100%: the network has memorised its 1,000 digits",
        holds="plain_run.final['accuracy'] == 1.0",
        show=values("plain_run.final['accuracy']"),
    ),
    Claim(  # generalisation: subset only
        text="validation cross-entropy reaches its lowest point early and then climbs "
        "(by more than the noise between seeds)",
        holds=f"{PLAIN_LOWEST_EPOCH} <= plain_run.num_epochs / 2"
        " and plain_run.final['val_cross_entropy']"
        " - plain_run.history['val_cross_entropy'].min() > noise",
        show=values(
            PLAIN_LOWEST_EPOCH,
            "plain_run.history['val_cross_entropy'].min()",
            "plain_run.final['val_cross_entropy']",
            "noise",
        ),
        on=("subset",),
    ),
    Claim(  # generalisation: subset only
        text="validation accuracy stays far below training accuracy, and hardly moves while "
        "the validation loss climbs",
        holds="plain_run.final['accuracy'] - plain_run.final['val_accuracy'] > 0.05"
        " and abs(plain_run.final['val_accuracy']"
        f" - plain_run.history['val_accuracy'][{PLAIN_LOWEST_EPOCH}]) <= accuracy_noise",
        show=values(
            "plain_run.final['val_accuracy']",
            f"plain_run.history['val_accuracy'][{PLAIN_LOWEST_EPOCH}]",
            "accuracy_noise",
        ),
        on=("subset",),
    ),
    # Section 3: the penalty and the decay.
    Claim(
        text="the penalty is exactly what separates val_loss from val_cross_entropy",
        holds="abs(l2_run.final['val_loss'] - l2_run.final['val_cross_entropy'] - keras_penalty)"
        " < 1e-3 * keras_penalty and abs(keras_penalty - l2_penalty([kernel], 1e-3))"
        " < 1e-4 * keras_penalty",
        show=values(
            "l2_run.final['val_loss'] - l2_run.final['val_cross_entropy']",
            "keras_penalty",
            digits=5,
        ),
    ),
    Claim(
        text="with weight decay nothing is added to the loss: loss and cross-entropy stay equal",
        holds="abs(decay_run.final['val_loss'] - decay_run.final['val_cross_entropy']) < 1e-4",
        show=values("decay_run.final['val_loss'] - decay_run.final['val_cross_entropy']"),
    ),
    Claim(
        text="L2 under Adam wipes out the weights of blank pixels; weight decay shrinks them "
        "about as much as the others",
        holds="blank_share['L2 0.001'] < 0.05 and blank_share['weight decay 1'] > 0.5",
        show=by_setting("blank_share"),
    ),
    # Section 3: the comparison over seeds.
    *[
        Claim(  # generalisation: subset only
            text=f"{name} ends with a lower validation cross-entropy than the unregularised run,"
            " by more than the noise between seeds",
            holds=f"final_loss['none'].mean() - final_loss[{name!r}].mean() > noise",
            show=values("final_loss['none'].mean()", f"final_loss[{name!r}].mean()", "noise"),
            on=("subset",),
        )
        for name in REGULARISED
    ],
    Claim(
        text="the training loss shows the price: the regularised networks fit their training "
        "digits less tightly",
        holds="all(final('cross_entropy')[name].mean() > final('cross_entropy')['none'].mean()"
        f" for name in {REGULARISED!r})",
        show=by_setting("final('cross_entropy').mean()"),
    ),
    Claim(  # generalisation: subset only
        text="each regulariser's validation accuracy lies within the accuracy noise of the "
        "unregularised run's",
        holds="all(abs(final_accuracy[name].mean() - final_accuracy['none'].mean())"
        f" <= accuracy_noise for name in {REGULARISED!r})",
        show=by_setting("final_accuracy.mean() - final_accuracy['none'].mean()")
        + " | {'accuracy noise': round(accuracy_noise, 4)}",
        on=("subset",),
    ),
    # Section 4.
    Claim(
        text="your function, given the validation losses Keras recorded, names the same two "
        "epochs as the callback",
        holds="early_stopping(history['val_loss'], patience=3)"
        " == (len(history['val_loss']), stopper.best_epoch + 1)",
        show="(early_stopping(history['val_loss'], patience=3),"
        " (len(history['val_loss']), stopper.best_epoch + 1))",
    ),
    Claim(  # generalisation: subset only
        text="by the validation loss, stopping early wins by more than the noise; by the "
        "validation accuracy, the two lie within the accuracy noise",
        holds="plain_run.final['val_loss'] - restored['loss'] > noise"
        " and abs(plain_run.final['val_accuracy'] - restored['accuracy']) <= accuracy_noise",
        show=values(
            "restored['loss']",
            "plain_run.final['val_loss']",
            "restored['accuracy']",
            "plain_run.final['val_accuracy']",
        ),
        on=("subset",),
    ),
    # Section 5.
    Claim(  # generalisation: subset only
        text="with dropout the gap between training and validation accuracy stays smaller",
        holds="(unregularised_run.final['accuracy'] - unregularised_run.final['val_accuracy'])"
        " - (regularised_run.final['accuracy'] - regularised_run.final['val_accuracy'])"
        " > 1 / len(digits.x_val)",
        show=values(
            "regularised_run.final['accuracy'] - regularised_run.final['val_accuracy']",
            "unregularised_run.final['accuracy'] - unregularised_run.final['val_accuracy']",
        ),
        on=("subset",),
    ),
    Claim(  # generalisation: subset only
        text="the unregularised network's validation cross-entropy turns up once it has "
        "memorised its training digits",
        holds="unregularised_run.final['val_cross_entropy']"
        " - unregularised_run.history['val_cross_entropy'].min() > noise",
        show=values(
            "unregularised_run.history['val_cross_entropy'].min()",
            "unregularised_run.final['val_cross_entropy']",
            "noise",
        ),
        on=("subset",),
    ),
    Claim(  # generalisation: subset only
        text="the regularised network's validation cross-entropy ends lower",
        holds="unregularised_run.final['val_cross_entropy']"
        " - regularised_run.final['val_cross_entropy'] > noise",
        show=values(
            "regularised_run.final['val_cross_entropy']",
            "unregularised_run.final['val_cross_entropy']",
            "noise",
        ),
        on=("subset",),
    ),
]
