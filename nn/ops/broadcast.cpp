#include "nn/ops/broadcast.hpp"

#include "nn/error.hpp"

namespace rl::nn {

namespace {

using RowArray = Eigen::Array<Scalar, 1, Eigen::Dynamic>;

// Each op: forward(a, b) and the partial gradients da(dy, a, b), db(dy, a, b), as Eigen array
// expressions over matching rows.
struct Add {
  static auto forward(const auto& a, const auto& b) { return a + b; }
  static auto da(const auto& dy, const auto&, const auto&) { return dy; }
  static auto db(const auto& dy, const auto&, const auto&) { return dy; }
};
struct Sub {
  static auto forward(const auto& a, const auto& b) { return a - b; }
  static auto da(const auto& dy, const auto&, const auto&) { return dy; }
  static auto db(const auto& dy, const auto&, const auto&) { return -dy; }
};
struct Mul {
  static auto forward(const auto& a, const auto& b) { return a * b; }
  static auto da(const auto& dy, const auto&, const auto& b) { return dy * b; }
  static auto db(const auto& dy, const auto& a, const auto&) { return dy * a; }
};
struct Div {
  static auto forward(const auto& a, const auto& b) { return a / b; }
  static auto da(const auto& dy, const auto&, const auto& b) { return dy / b; }
  static auto db(const auto& dy, const auto& a, const auto& b) { return -dy * a / b.square(); }
};
struct Minimum {
  static auto forward(const auto& a, const auto& b) { return a.min(b); }
  static auto da(const auto& dy, const auto& a, const auto& b) {
    return (a < b).select(dy, (a == b).select(dy * Scalar(0.5), Scalar(0)));
  }
  static auto db(const auto& dy, const auto& a, const auto& b) { return da(dy, b, a); }
};
struct Maximum {
  static auto forward(const auto& a, const auto& b) { return a.max(b); }
  static auto da(const auto& dy, const auto& a, const auto& b) {
    return (a > b).select(dy, (a == b).select(dy * Scalar(0.5), Scalar(0)));
  }
  static auto db(const auto& dy, const auto& a, const auto& b) { return da(dy, b, a); }
};

template <class Visit>
void dispatch(Op op, Visit&& visit) {
  switch (op) {
    case Op::kAdd: return visit(Add{});
    case Op::kSub: return visit(Sub{});
    case Op::kMul: return visit(Mul{});
    case Op::kDiv: return visit(Div{});
    case Op::kMinimum: return visit(Minimum{});
    case Op::kMaximum: return visit(Maximum{});
    default: throw Error(message("broadcast: ", op_name(op), " is not a binary op"));
  }
}

bool same_shape(const ConstMatrixMap& a, Index rows, Index cols) {
  return a.rows() == rows && a.cols() == cols;
}

/// Calls f(a_row, b_row) for output row r, each operand read as a (1, cols) row array: its own
/// row r, its only row, or its single value repeated.
template <class F>
void for_each_row(const ConstMatrixMap& a, const ConstMatrixMap& b, Index r, Index cols, F&& f) {
  const Index ra = a.rows() == 1 ? 0 : r;
  const Index rb = b.rows() == 1 ? 0 : r;
  if (a.cols() == cols && b.cols() == cols) {
    f(a.row(ra).array(), b.row(rb).array());
  } else if (a.cols() == cols) {
    f(a.row(ra).array(), RowArray::Constant(cols, b(rb, 0)));
  } else if (b.cols() == cols) {
    f(RowArray::Constant(cols, a(ra, 0)), b.row(rb).array());
  } else {
    f(RowArray::Constant(cols, a(ra, 0)), RowArray::Constant(cols, b(rb, 0)));
  }
}

/// Adds a (1, cols) row of gradient g for output row r into d, which has the shape of one input.
template <class G>
void accumulate_row(MatrixMap& d, Index r, const G& g) {
  const Index rd = d.rows() == 1 ? 0 : r;
  if (d.cols() == 1 && g.cols() != 1) {
    d(rd, 0) += g.sum();
  } else {
    d.row(rd).array() += g;
  }
}

template <class F>
void forward_with(const ConstMatrixMap& a, const ConstMatrixMap& b, MatrixMap y) {
  const Index rows = y.rows();
  const Index cols = y.cols();
  if (same_shape(a, rows, cols) && same_shape(b, rows, cols)) {
    ConstArrayMap aa(a.data(), a.size());
    ConstArrayMap ba(b.data(), b.size());
    ArrayMap(y.data(), y.size()) = F::forward(aa, ba);
    return;
  }
  for (Index r = 0; r < rows; ++r) {
    for_each_row(a, b, r, cols,
                 [&](const auto& ar, const auto& br) { y.row(r).array() = F::forward(ar, br); });
  }
}

template <class F>
void backward_with(const ConstMatrixMap& a, const ConstMatrixMap& b, const ConstMatrixMap& dy,
                   MatrixMap da, MatrixMap db) {
  const Index rows = dy.rows();
  const Index cols = dy.cols();
  const bool want_a = da.data() != nullptr;
  const bool want_b = db.data() != nullptr;
  if (same_shape(a, rows, cols) && same_shape(b, rows, cols)) {
    ConstArrayMap aa(a.data(), a.size());
    ConstArrayMap ba(b.data(), b.size());
    ConstArrayMap dya(dy.data(), dy.size());
    if (want_a) {
      ArrayMap(da.data(), da.size()) += F::da(dya, aa, ba);
    }
    if (want_b) {
      ArrayMap(db.data(), db.size()) += F::db(dya, aa, ba);
    }
    return;
  }
  for (Index r = 0; r < rows; ++r) {
    const auto dyr = dy.row(r).array();
    for_each_row(a, b, r, cols, [&](const auto& ar, const auto& br) {
      if (want_a) {
        accumulate_row(da, r, F::da(dyr, ar, br));
      }
      if (want_b) {
        accumulate_row(db, r, F::db(dyr, ar, br));
      }
    });
  }
}

Var record_binary(Op op, Var a, Var b) {
  Tape& tape = tape_of({a, b}, op_name(op));
  const Shape shape = broadcast_shape(a.shape(), b.shape(), op_name(op));
  Var y = tape.record(op, {a, b}, shape);
  broadcast_forward(op, a.value(), b.value(), tape.value(y));
  return y;
}

}  // namespace

Shape broadcast_shape(Shape a, Shape b, const char* op) {
  const auto dim = [&](Index x, Index y) {
    check(x == y || x == 1 || y == 1, op, ": shapes ", a, " and ", b,
          " do not broadcast; each dimension must match or be 1");
    return x == 1 ? y : x;
  };
  return {dim(a.rows, b.rows), dim(a.cols, b.cols)};
}

void broadcast_forward(Op op, const ConstMatrixMap& a, const ConstMatrixMap& b, MatrixMap y) {
  dispatch(op, [&]<class F>(F) { forward_with<F>(a, b, y); });
}

void broadcast_backward(Op op, const ConstMatrixMap& a, const ConstMatrixMap& b,
                        const ConstMatrixMap& dy, MatrixMap da, MatrixMap db) {
  dispatch(op, [&]<class F>(F) { backward_with<F>(a, b, dy, da, db); });
}

Var add(Var a, Var b) {
  return record_binary(Op::kAdd, a, b);
}
Var sub(Var a, Var b) {
  return record_binary(Op::kSub, a, b);
}
Var mul(Var a, Var b) {
  return record_binary(Op::kMul, a, b);
}
Var div(Var a, Var b) {
  return record_binary(Op::kDiv, a, b);
}
Var minimum(Var a, Var b) {
  return record_binary(Op::kMinimum, a, b);
}
Var maximum(Var a, Var b) {
  return record_binary(Op::kMaximum, a, b);
}

}  // namespace rl::nn
