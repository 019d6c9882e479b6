"""Typical wrong answers to chapter 03's exercises, each as (answer cell, replacement source)."""

MISTAKES = {
    "forward_forgets_the_relu": (
        "ex03_forward",
        """
def forward(x, params):
    hidden = x @ params["W1"] + params["b1"]
    return hidden @ params["W2"] + params["b2"], hidden
""",
    ),
    "forward_puts_a_relu_on_the_logits": (
        "ex03_forward",
        """
def forward(x, params):
    hidden = np.maximum(x @ params["W1"] + params["b1"], 0)
    return np.maximum(hidden @ params["W2"] + params["b2"], 0), hidden
""",
    ),
    "backward_forgets_the_relu_mask": (
        "ex03_backward",
        """
def backward(x, y, hidden, logits, W2):
    d_logits = softmax_rows(logits)
    d_logits[np.arange(len(x)), y] -= 1
    d_logits /= len(x)
    d_hidden = d_logits @ W2.T
    return {"W1": x.T @ d_hidden, "b1": d_hidden.sum(axis=0),
            "W2": hidden.T @ d_logits, "b2": d_logits.sum(axis=0)}
""",
    ),
    "backward_sums_instead_of_averaging": (
        "ex03_backward",
        """
def backward(x, y, hidden, logits, W2):
    d_logits = softmax_rows(logits)
    d_logits[np.arange(len(x)), y] -= 1
    d_pre_activation = (d_logits @ W2.T) * (hidden > 0)
    return {"W1": x.T @ d_pre_activation, "b1": d_pre_activation.sum(axis=0),
            "W2": hidden.T @ d_logits, "b2": d_logits.sum(axis=0)}
""",
    ),
    "numerical_gradient_uses_a_forward_difference": (
        "ex03_numerical_gradient",
        """
def numerical_gradient(f, w, eps=1e-5):
    gradient = np.zeros_like(w)
    base = f()
    for index in np.ndindex(w.shape):
        original = w[index]
        w[index] = original + eps
        gradient[index] = (f() - base) / eps
        w[index] = original
    return gradient
""",
    ),
    "numerical_gradient_leaves_w_changed": (
        "ex03_numerical_gradient",
        """
def numerical_gradient(f, w, eps=1e-5):
    gradient = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        w[index] += eps
        above = f()
        w[index] -= 2 * eps
        below = f()
        gradient[index] = (above - below) / (2 * eps)
    return gradient
""",
    ),
    "numerical_gradient_handles_only_vectors": (
        "ex03_numerical_gradient",
        """
def numerical_gradient(f, w, eps=1e-5):
    gradient = np.zeros(len(w))
    for i in range(len(w)):
        original = w[i]
        w[i] = original + eps
        above = f()
        w[i] = original - eps
        below = f()
        w[i] = original
        gradient[i] = (above - below) / (2 * eps)
    return gradient
""",
    ),
}
