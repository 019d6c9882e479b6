"""Typical wrong answers to chapter 04's exercises, each as (answer cell, replacement source)."""

MISTAKES = {
    "conv2d_flips_the_kernel": (
        "ex04_conv2d",
        """
def conv2d(image, kernel):
    flipped = kernel[::-1, ::-1]
    kh, kw = kernel.shape
    result = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(result.shape[0]):
        for j in range(result.shape[1]):
            result[i, j] = np.sum(image[i : i + kh, j : j + kw] * flipped)
    return result
""",
    ),
    "conv2d_assumes_a_square_kernel": (
        "ex04_conv2d",
        """
def conv2d(image, kernel):
    k = kernel.shape[0]
    result = np.zeros((image.shape[0] - k + 1, image.shape[1] - k + 1))
    for i in range(result.shape[0]):
        for j in range(result.shape[1]):
            result[i, j] = np.sum(image[i : i + k, j : j + k] * kernel)
    return result
""",
    ),
    "output_size_rounds_same_padding_down": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding == "valid":
        return (n - kernel) // stride + 1
    if padding == "same":
        return n // stride
    raise ValueError("padding must be 'valid' or 'same'")
""",
    ),
    "output_size_ignores_stride": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding == "same":
        return n
    if padding == "valid":
        return n - kernel + 1
    raise ValueError("padding must be 'valid' or 'same'")
""",
    ),
    "output_size_accepts_any_padding": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding == "same":
        return -(-n // stride)
    return (n - kernel) // stride + 1
""",
    ),
    "max_pool_starts_from_zero": (
        "ex04_max_pool2d",
        """
def max_pool2d(feature_map, size=2):
    height, width = feature_map.shape[0] // size, feature_map.shape[1] // size
    result = np.zeros((height, width))
    for i in range(height):
        for j in range(width):
            for value in feature_map[i * size : (i + 1) * size, j * size : (j + 1) * size].ravel():
                result[i, j] = max(result[i, j], value)
    return result
""",
    ),
    "max_pool_needs_even_sizes": (
        "ex04_max_pool2d",
        """
def max_pool2d(feature_map, size=2):
    height, width = feature_map.shape
    return feature_map.reshape(height // size, size, width // size, size).max(axis=(1, 3))
""",
    ),
}
