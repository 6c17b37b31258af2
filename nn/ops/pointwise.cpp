#include "nn/ops/pointwise.hpp"

#include <cmath>

#include "nn/error.hpp"

namespace rl::nn {

namespace {

using Array = Eigen::Array<Scalar, Eigen::Dynamic, 1>;

// Each op: forward(x) -> y and backward(x, y, dy) -> dx as Eigen array expressions; alpha and
// beta are the op's scalar arguments.
struct AddScalar {
  static auto forward(const auto& x, Scalar s, Scalar) { return x + s; }
  static auto backward(const auto&, const auto&, const auto& dy, Scalar, Scalar) { return dy; }
};
struct MulScalar {
  static auto forward(const auto& x, Scalar s, Scalar) { return x * s; }
  static auto backward(const auto&, const auto&, const auto& dy, Scalar s, Scalar) {
    return dy * s;
  }
};
struct Pow {
  static auto forward(const auto& x, Scalar p, Scalar) { return x.pow(p); }
  static auto backward(const auto& x, const auto&, const auto& dy, Scalar p, Scalar) {
    return dy * p * x.pow(p - 1);
  }
};
struct Clamp {
  static auto forward(const auto& x, Scalar lo, Scalar hi) { return x.max(lo).min(hi); }
  static auto backward(const auto& x, const auto&, const auto& dy, Scalar lo, Scalar hi) {
    return (x >= lo && x <= hi).select(dy, Scalar(0));
  }
};
struct Neg {
  static auto forward(const auto& x, Scalar, Scalar) { return -x; }
  static auto backward(const auto&, const auto&, const auto& dy, Scalar, Scalar) { return -dy; }
};
struct Exp {
  static auto forward(const auto& x, Scalar, Scalar) { return x.exp(); }
  static auto backward(const auto&, const auto& y, const auto& dy, Scalar, Scalar) {
    return dy * y;
  }
};
struct Log {
  static auto forward(const auto& x, Scalar, Scalar) { return x.log(); }
  static auto backward(const auto& x, const auto&, const auto& dy, Scalar, Scalar) {
    return dy / x;
  }
};
struct Sqrt {
  static auto forward(const auto& x, Scalar, Scalar) { return x.sqrt(); }
  static auto backward(const auto&, const auto& y, const auto& dy, Scalar, Scalar) {
    return dy * Scalar(0.5) / y;
  }
};
struct Square {
  static auto forward(const auto& x, Scalar, Scalar) { return x.square(); }
  static auto backward(const auto& x, const auto&, const auto& dy, Scalar, Scalar) {
    return dy * Scalar(2) * x;
  }
};
struct Abs {
  static auto forward(const auto& x, Scalar, Scalar) { return x.abs(); }
  static auto backward(const auto& x, const auto&, const auto& dy, Scalar, Scalar) {
    return dy * x.sign();
  }
};
struct Relu {
  static auto forward(const auto& x, Scalar, Scalar) { return x.max(Scalar(0)); }
  static auto backward(const auto& x, const auto&, const auto& dy, Scalar, Scalar) {
    return (x > Scalar(0)).select(dy, Scalar(0));
  }
};
struct LeakyRelu {
  static auto forward(const auto& x, Scalar slope, Scalar) {
    return (x > Scalar(0)).select(x, x * slope);
  }
  static auto backward(const auto& x, const auto&, const auto& dy, Scalar slope, Scalar) {
    return (x > Scalar(0)).select(dy, dy * slope);
  }
};
// y = x for x > 0, alpha (e^x - 1) otherwise; dy/dx = 1 or y + alpha.
struct Elu {
  static auto forward(const auto& x, Scalar alpha, Scalar) {
    return (x > Scalar(0)).select(x, alpha * x.expm1());
  }
  static auto backward(const auto& x, const auto& y, const auto& dy, Scalar alpha, Scalar) {
    return (x > Scalar(0)).select(dy, dy * (y + alpha));
  }
};
struct Tanh {
  static auto forward(const auto& x, Scalar, Scalar) { return x.tanh(); }
  static auto backward(const auto&, const auto& y, const auto& dy, Scalar, Scalar) {
    return dy * (Scalar(1) - y.square());
  }
};
struct Sigmoid {
  static auto forward(const auto& x, Scalar, Scalar) { return x.logistic(); }
  static auto backward(const auto&, const auto& y, const auto& dy, Scalar, Scalar) {
    return dy * y * (Scalar(1) - y);
  }
};
// log(1 + e^x) = max(x, 0) + log1p(e^-|x|); dy/dx = sigmoid(x).
struct Softplus {
  static auto forward(const auto& x, Scalar, Scalar) {
    return x.max(Scalar(0)) + (-x.abs()).exp().log1p();
  }
  static auto backward(const auto& x, const auto&, const auto& dy, Scalar, Scalar) {
    return dy * x.logistic();
  }
};

template <class F>
void forward_with(const OpArgs& a, const ConstMatrixMap& x, MatrixMap y) {
  ConstArrayMap xa(x.data(), x.size());
  ArrayMap ya(y.data(), y.size());
  ya = F::forward(xa, a.alpha, a.beta);
}

template <class F>
void backward_with(const OpArgs& a, const ConstMatrixMap& x, const ConstMatrixMap& y,
                   const ConstMatrixMap& dy, MatrixMap dx) {
  ConstArrayMap xa(x.data(), x.size());
  ConstArrayMap ya(y.data(), y.size());
  ConstArrayMap dya(dy.data(), dy.size());
  ArrayMap dxa(dx.data(), dx.size());
  dxa += F::backward(xa, ya, dya, a.alpha, a.beta);
}

template <class Visit>
void dispatch(Op op, Visit&& visit) {
  switch (op) {
    case Op::kAddScalar: return visit(AddScalar{});
    case Op::kMulScalar: return visit(MulScalar{});
    case Op::kPow: return visit(Pow{});
    case Op::kClamp: return visit(Clamp{});
    case Op::kNeg: return visit(Neg{});
    case Op::kExp: return visit(Exp{});
    case Op::kLog: return visit(Log{});
    case Op::kSqrt: return visit(Sqrt{});
    case Op::kSquare: return visit(Square{});
    case Op::kAbs: return visit(Abs{});
    case Op::kRelu: return visit(Relu{});
    case Op::kLeakyRelu: return visit(LeakyRelu{});
    case Op::kElu: return visit(Elu{});
    case Op::kTanh: return visit(Tanh{});
    case Op::kSigmoid: return visit(Sigmoid{});
    case Op::kSoftplus: return visit(Softplus{});
    default: throw Error(message("pointwise: ", op_name(op), " is not a pointwise op"));
  }
}

Var record_pointwise(Op op, Var x, Scalar alpha = 0, Scalar beta = 0) {
  Tape& tape = tape_of({x}, op_name(op));
  OpArgs args;
  args.alpha = alpha;
  args.beta = beta;
  Var y = tape.record(op, {x}, x.shape(), args);
  pointwise_forward(op, args, x.value(), tape.value(y));
  return y;
}

}  // namespace

void pointwise_forward(Op op, const OpArgs& args, const ConstMatrixMap& x, MatrixMap y) {
  dispatch(op, [&]<class F>(F) { forward_with<F>(args, x, y); });
}

void pointwise_backward(Op op, const OpArgs& args, const ConstMatrixMap& x, const ConstMatrixMap& y,
                        const ConstMatrixMap& dy, MatrixMap dx) {
  if (dx.data() == nullptr) {
    return;
  }
  dispatch(op, [&]<class F>(F) { backward_with<F>(args, x, y, dy, dx); });
}

Var add_scalar(Var x, Scalar s) {
  return record_pointwise(Op::kAddScalar, x, s);
}
Var mul_scalar(Var x, Scalar s) {
  return record_pointwise(Op::kMulScalar, x, s);
}
Var pow(Var x, Scalar exponent) {
  return record_pointwise(Op::kPow, x, exponent);
}
Var clamp(Var x, Scalar lo, Scalar hi) {
  check(lo <= hi, "clamp: lower bound ", lo, " is above upper bound ", hi);
  return record_pointwise(Op::kClamp, x, lo, hi);
}
Var neg(Var x) {
  return record_pointwise(Op::kNeg, x);
}
Var exp(Var x) {
  return record_pointwise(Op::kExp, x);
}
Var log(Var x) {
  return record_pointwise(Op::kLog, x);
}
Var sqrt(Var x) {
  return record_pointwise(Op::kSqrt, x);
}
Var square(Var x) {
  return record_pointwise(Op::kSquare, x);
}
Var abs(Var x) {
  return record_pointwise(Op::kAbs, x);
}
Var relu(Var x) {
  return record_pointwise(Op::kRelu, x);
}
Var leaky_relu(Var x, Scalar negative_slope) {
  return record_pointwise(Op::kLeakyRelu, x, negative_slope);
}
Var elu(Var x, Scalar alpha) {
  return record_pointwise(Op::kElu, x, alpha);
}
Var tanh(Var x) {
  return record_pointwise(Op::kTanh, x);
}
Var sigmoid(Var x) {
  return record_pointwise(Op::kSigmoid, x);
}
Var softplus(Var x) {
  return record_pointwise(Op::kSoftplus, x);
}

}  // namespace rl::nn
