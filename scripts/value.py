# The Python engine of the bundled explainer (content/one-example.md, "From
# code to graph"): every python block of content/ is a part of this file,
# and `python3 scripts/value.py` prints what the page says it prints, the
# engine's own gradients (tests/it/explainer.rs checks both).
import math


class Value:
    def __init__(self, data, parents=(), rule=None):
        self.data = data        # the value, cached on the way forward
        self.parents = parents  # the Values it was computed from, one per use
        self.rule = rule        # upstream gradient -> one message per parent
        self.grad = 0.0         # d(loss)/d(self), filled in on the way back

    def __add__(self, other):   # add copies the upstream gradient to both
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), lambda g: (g, g))

    def __mul__(self, other):   # multiply swaps: each gets the other's value
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other),
                     lambda g: (g * other.data, g * self.data))

    __radd__ = __add__          # so that 1 + v works as well as v + 1
    __rmul__ = __mul__

    def __neg__(self):
        return Value(-self.data, (self,), lambda g: (-g,))

    def exp(self):              # reuses its own output
        out = Value(math.exp(self.data), (self,))
        out.rule = lambda g: (g * out.data,)
        return out

    def recip(self):
        return Value(1 / self.data, (self,), lambda g: (-g / self.data**2,))

    def log(self):
        return Value(math.log(self.data), (self,), lambda g: (g / self.data,))

    def backward(self):
        order, placed, todo = [], set(), [(self, False)]
        while todo:             # depth first, with a list instead of recursion
            node, ready = todo.pop()
            if ready:
                order.append(node)  # after everything it was computed from
            elif id(node) not in placed:
                placed.add(id(node))
                todo.append((node, True))
                todo.extend((p, False) for p in node.parents)
        self.grad = 1.0         # the seed: assigned, not added
        for node in reversed(order):
            if node.rule:
                for parent, message in zip(node.parents, node.rule(node.grad)):
                    parent.grad += message  # += : messages add up


def neuron(weights, inputs, bias):
    z = bias
    for w, x in zip(weights, inputs):
        z = w * x + z
    return (1 + (-z).exp()).recip()  # the sigmoid, atom by atom


w, b = Value(1.15), Value(-0.8)
x = Value(1.6)
p = neuron([w], [x], b)
loss = -p.log()
loss.backward()
print(f"{w.grad:.4f} {b.grad:.4f}")  # -0.4178 -0.2611


x = Value(2.0)
u = x * x
L = u * u + u
L.backward()
print(x.grad)  # 36.0, which is 4x³ + 2x at x = 2
L.backward()   # again, without resetting anything
print(x.grad)  # 140.0, not 72.0
