"""PyTorch's answers for tests/nn/test_torch_reference.cpp.

Usage: torch_reference.py IN OUT. Both files hold one float tensor per line, "name rows cols v1 v2
...", named "<case>.<tensor>". For every case below whose tensors are in IN, this computes the same
function with torch in float32 and writes its value "<case>.y" and the gradient of each input it
differentiated, "<case>.grad.<tensor>", to OUT; an optimiser case writes its loss per step and its
final parameters. Exits with 3 if torch cannot be imported (Debian: apt-get install python3-torch).
"""

import sys

TORCH_MISSING = 3

try:
    import torch
    import torch.nn.functional as F
    from torch.distributions import Categorical, Normal
except ImportError as error:
    print(
        f"torch_reference.py: {sys.executable} cannot import torch ({error}); "
        "run `apt-get install python3-torch`",
        file=sys.stderr,
    )
    sys.exit(TORCH_MISSING)


def read_tensors(path):
    """name -> (rows, cols, values as Python floats)."""
    tensors = {}
    with open(path) as file:
        for line in file:
            fields = line.split()
            if not fields:
                continue
            name, rows, cols = fields[0], int(fields[1]), int(fields[2])
            values = [float(v) for v in fields[3:]]
            if len(values) != rows * cols:
                raise ValueError(f"{path}: {name} is {rows}x{cols} but has {len(values)} values")
            tensors[name] = (rows, cols, values)
    return tensors


def write_tensors(path, tensors):
    """%.9g prints every float32 exactly."""
    with open(path, "w") as file:
        for name, tensor in tensors.items():
            tensor = tensor.detach()
            if tensor.dim() != 2:
                raise ValueError(f"{name} has shape {tuple(tensor.shape)}; cases return 2-D values")
            values = " ".join("%.9g" % v for v in tensor.flatten().tolist())
            file.write(f"{name} {tensor.shape[0]} {tensor.shape[1]} {values}\n")


class Inputs:
    """One case's tensors; remembers which ones the case differentiates."""

    def __init__(self, tensors, case):
        self._tensors = tensors
        self._case = case
        self.leaves = {}

    def _get(self, name):
        key = f"{self._case}.{name}"
        if key not in self._tensors:
            raise KeyError(f"case {self._case} needs {key}, which the C++ test did not send")
        return self._tensors[key]

    def __call__(self, name):
        """A float32 leaf whose gradient is written back."""
        if name not in self.leaves:
            self.leaves[name] = self.constant(name).requires_grad_()
        return self.leaves[name]

    def constant(self, name):
        rows, cols, values = self._get(name)
        return torch.tensor(values, dtype=torch.float32).view(rows, cols)

    def indices(self, name):
        return self.constant(name).flatten().long()

    def args(self):
        """The case's scalar arguments, exactly as the C++ side holds them."""
        return self._get("args")[2]


# --- op cases: each returns a 2-D value, (1, 1) for a loss ---


def linear_tanh_relu(x):
    hidden = torch.tanh(F.linear(x("x"), x("w1"), x("b1").view(-1)))
    return F.relu(F.linear(hidden, x("w2"), x("b2").view(-1)))


def conv(x, channels, height, width, filters, kernel, stride, padding):
    images = x("x").view(-1, channels, height, width)
    weight = x("w").view(filters, channels, kernel, kernel)
    return F.conv2d(images, weight, x("b").view(-1), stride=stride, padding=padding)


def conv2d(x):
    return conv(x, *map(int, x.args())).flatten(1)


def conv2d_max_pool2d(x):
    *geometry, pool_kernel, pool_stride = map(int, x.args())
    return F.max_pool2d(conv(x, *geometry), pool_kernel, pool_stride).flatten(1)


def layer_norm(x):
    (eps,) = x.args()
    features = x("x").shape[1]
    return F.layer_norm(x("x"), (features,), x("gamma").view(-1), x("beta").view(-1), eps)


def softmax(x):
    return F.softmax(x("x"), dim=1)


def log_softmax(x):
    return F.log_softmax(x("x"), dim=1)


def mse_loss(x):
    return F.mse_loss(x("prediction"), x("target")).view(1, 1)


def huber_loss(x):
    (delta,) = x.args()
    return F.huber_loss(x("prediction"), x("target"), delta=delta).view(1, 1)


def cross_entropy(x):
    return F.cross_entropy(x("logits"), x.indices("labels")).view(1, 1)


def categorical_log_prob(x):
    return Categorical(logits=x("logits")).log_prob(x.indices("actions")).unsqueeze(1)


def categorical_entropy(x):
    return Categorical(logits=x("logits")).entropy().unsqueeze(1)


def gaussian_log_prob(x):
    # log_std is (1, A), broadcast over the batch as in CleanRL's continuous PPO
    policy = Normal(x("mean"), x("log_std").exp())
    return policy.log_prob(x("action")).sum(-1, keepdim=True)


def gaussian_entropy(x):
    policy = Normal(x.constant("mean"), x("log_std").exp())
    return policy.entropy().sum(-1, keepdim=True)


def minimum_tie(x):
    return torch.minimum(x("a"), x("b"))


def maximum_broadcast_tie(x):
    return torch.maximum(x("a"), x("b"))


def clamp_boundary(x):
    lo, hi = x.args()
    return torch.clamp(x("x"), lo, hi)


def elu(x):
    (alpha,) = x.args()
    return F.elu(x("x"), alpha)


def softplus(x):
    return F.softplus(x("x"))


def sigmoid(x):
    return torch.sigmoid(x("x"))


def leaky_relu(x):
    (slope,) = x.args()
    return F.leaky_relu(x("x"), slope)


OP_CASES = [
    linear_tanh_relu, conv2d, conv2d_max_pool2d, layer_norm, softmax, log_softmax, mse_loss,
    huber_loss, cross_entropy, categorical_log_prob, categorical_entropy, gaussian_log_prob,
    gaussian_entropy, minimum_tie, maximum_broadcast_tie, clamp_boundary, elu, softplus, sigmoid,
    leaky_relu,
]


def run_op_case(function, tensors, out):
    """The value, and the gradients from the upstream gradient dy (1 for a loss)."""
    case = function.__name__
    x = Inputs(tensors, case)
    y = function(x)
    if f"{case}.dy" in tensors:
        y.backward(x.constant("dy"))
    else:
        y.backward()
    out[f"{case}.y"] = y
    for name, leaf in x.leaves.items():
        grad = leaf.grad if leaf.grad is not None else torch.zeros_like(leaf)
        out[f"{case}.grad.{name}"] = grad


# --- optimiser cases: the MLP "mlp.init.<i>.weight/bias" (ReLU between linear layers, as
# nn::mlp), trained with mse on ("mlp.x", "mlp.y") from the same initial weights ---

def adam(params, args):
    lr, beta1, beta2, eps, weight_decay = args
    return torch.optim.Adam(params, lr=lr, betas=(beta1, beta2), eps=eps,
                            weight_decay=weight_decay)


def adamw(params, args):
    lr, beta1, beta2, eps, weight_decay = args
    return torch.optim.AdamW(params, lr=lr, betas=(beta1, beta2), eps=eps,
                             weight_decay=weight_decay)


def sgd(params, args):
    lr, momentum, dampening, nesterov, weight_decay = args
    return torch.optim.SGD(params, lr=lr, momentum=momentum, dampening=dampening,
                           nesterov=bool(nesterov), weight_decay=weight_decay)


def rmsprop(params, args):
    lr, alpha, eps, momentum, centered, weight_decay = args
    return torch.optim.RMSprop(params, lr=lr, alpha=alpha, eps=eps, momentum=momentum,
                               centered=bool(centered), weight_decay=weight_decay)


OPTIMISER_CASES = [adam, adamw, sgd, rmsprop]


def run_optimiser_case(make_optimiser, tensors, out):
    """Loss before each step ("<case>.loss", (1, steps)) and the final parameters."""
    case = make_optimiser.__name__
    data = Inputs(tensors, "mlp")
    x, y = data.constant("x"), data.constant("y")
    (steps,) = data.args()
    prefix = "mlp.init."
    names = [key[len(prefix):] for key in tensors if key.startswith(prefix)]
    params = {name: data.constant("init." + name).requires_grad_() for name in names}
    layers = sorted({int(name.split(".")[0]) for name in names})
    optimiser = make_optimiser(list(params.values()), Inputs(tensors, case).args())
    losses = []
    for _ in range(int(steps)):
        optimiser.zero_grad()
        h = x
        for i, layer in enumerate(layers):
            h = F.linear(h, params[f"{layer}.weight"], params[f"{layer}.bias"].view(-1))
            if i + 1 < len(layers):
                h = F.relu(h)
        loss = F.mse_loss(h, y)
        losses.append(loss.detach())
        loss.backward()
        optimiser.step()
    out[f"{case}.loss"] = torch.stack(losses).view(1, -1)
    for name, param in params.items():
        out[f"{case}.{name}"] = param


def main(argv):
    if len(argv) != 3:
        print("usage: torch_reference.py IN OUT", file=sys.stderr)
        return 2
    torch.set_num_threads(1)  # tiny tensors: threads only add start-up time
    tensors = read_tensors(argv[1])
    cases = {name.split(".")[0] for name in tensors}
    out = {}
    for function in OP_CASES:
        if function.__name__ in cases:
            run_op_case(function, tensors, out)
    for function in OPTIMISER_CASES:
        if function.__name__ in cases:
            run_optimiser_case(function, tensors, out)
    write_tensors(argv[2], out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
