// Histogram gradient boosting: features binned once (at most 255 bins), per node histograms of
// residual sums and counts, the smaller child's histogram built and the larger one's derived.
#include "ehub/forecast/trees.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

#include "ehub/core/error.hpp"

namespace ehub::forecast {

void GbrtParams::validate() const {
  if (trees < 1) throw InputError("", "gbrt/trees", "must be >= 1, got " + std::to_string(trees));
  if (!(learning_rate > 0.0 && learning_rate <= 1.0)) throw InputError("", "gbrt/learning_rate", "must lie in (0, 1]");
  if (max_depth < 1 || max_depth > 16) throw InputError("", "gbrt/max_depth", "must lie in 1..16");
  if (min_samples_leaf < 1) throw InputError("", "gbrt/min_samples_leaf", "must be >= 1");
  if (max_bins < 2 || max_bins > 255) throw InputError("", "gbrt/max_bins", "must lie in 2..255");
  if (!(subsample > 0.0 && subsample <= 1.0)) throw InputError("", "gbrt/subsample", "must lie in (0, 1]");
  if (!(l2 >= 0.0) || !std::isfinite(l2)) throw InputError("", "gbrt/l2", "must be a finite number >= 0");
}

GradientBoostedTrees::GradientBoostedTrees(GbrtParams params) : params_(params) { params_.validate(); }

namespace {

struct Hist {
  std::vector<double> sum;
  std::vector<std::int32_t> count;
};

struct Work {
  std::vector<std::uint32_t> rows;  // rows of the node (sampled)
  int node = -1;                    // index in nodes_
  int depth = 0;
  double sum = 0.0;
  Hist hist;
};

}  // namespace

void GradientBoostedTrees::fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
  const Eigen::Index n = X.rows(), p = X.cols();
  if (y.size() != n) throw InputError("", "y", "length differs from the rows of X");
  if (n < 2) throw InputError("", "X", "needs at least 2 rows");
  if (!X.allFinite() || !y.allFinite()) throw InputError("", "X", "X and y must be finite");
  features_ = p;
  nodes_.clear();
  roots_.clear();
  base_ = y.mean();

  // Bin edges per feature from the sorted distinct values.
  const int B = params_.max_bins;
  std::vector<std::vector<double>> edges(static_cast<std::size_t>(p));
  std::vector<double> col;
  for (Eigen::Index f = 0; f < p; ++f) {
    col.assign(X.col(f).data(), X.col(f).data() + n);
    std::sort(col.begin(), col.end());
    col.erase(std::unique(col.begin(), col.end()), col.end());
    auto& e = edges[static_cast<std::size_t>(f)];
    if (static_cast<int>(col.size()) <= B) {
      for (std::size_t k = 0; k + 1 < col.size(); ++k) e.push_back(0.5 * (col[k] + col[k + 1]));
    } else {
      // Quantiles of the distinct values (approximately equal-count bins of distinct values).
      for (int b = 1; b < B; ++b) {
        const std::size_t k = static_cast<std::size_t>(static_cast<double>(b) * static_cast<double>(col.size()) / B);
        if (k == 0 || k >= col.size()) continue;
        const double edge = 0.5 * (col[k - 1] + col[k]);
        if (e.empty() || edge > e.back()) e.push_back(edge);
      }
    }
  }
  // Binned matrix, column-major: bin = number of edges below the value.
  std::vector<std::uint8_t> bins(static_cast<std::size_t>(n * p));
  std::vector<int> nb(static_cast<std::size_t>(p));
  for (Eigen::Index f = 0; f < p; ++f) {
    const auto& e = edges[static_cast<std::size_t>(f)];
    nb[static_cast<std::size_t>(f)] = static_cast<int>(e.size()) + 1;
    for (Eigen::Index i = 0; i < n; ++i)
      bins[static_cast<std::size_t>(f * n + i)] =
          static_cast<std::uint8_t>(std::lower_bound(e.begin(), e.end(), X(i, f)) - e.begin());
  }

  Eigen::VectorXd F = Eigen::VectorXd::Constant(n, base_);
  Eigen::VectorXd r(n);
  std::mt19937_64 rng(params_.seed);
  std::vector<std::uint32_t> all(static_cast<std::size_t>(n));
  std::iota(all.begin(), all.end(), 0u);
  const auto m = std::max<std::size_t>(2, static_cast<std::size_t>(std::llround(params_.subsample * static_cast<double>(n))));
  const double lam = params_.l2, lr = params_.learning_rate;
  const int min_leaf = params_.min_samples_leaf;

  auto build_hist = [&](Work& w) {
    w.hist.sum.assign(static_cast<std::size_t>(p * 256), 0.0);
    w.hist.count.assign(static_cast<std::size_t>(p * 256), 0);
    for (Eigen::Index f = 0; f < p; ++f) {
      const std::uint8_t* bf = bins.data() + f * n;
      double* hs = w.hist.sum.data() + f * 256;
      std::int32_t* hc = w.hist.count.data() + f * 256;
      for (std::uint32_t i : w.rows) {
        hs[bf[i]] += r[i];
        ++hc[bf[i]];
      }
    }
  };

  for (int t = 0; t < params_.trees; ++t) {
    r = (y - F);
    std::vector<std::uint32_t> sample;
    if (m >= static_cast<std::size_t>(n)) {
      sample = all;
    } else {
      std::vector<std::uint32_t> perm = all;
      for (std::size_t k = 0; k < m; ++k) {  // partial Fisher-Yates
        std::uniform_int_distribution<std::size_t> u(k, perm.size() - 1);
        std::swap(perm[k], perm[u(rng)]);
      }
      sample.assign(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(m));
      std::sort(sample.begin(), sample.end());
    }
    const int root = static_cast<int>(nodes_.size());
    nodes_.push_back({});
    std::vector<Work> level(1);
    level[0].rows = std::move(sample);
    level[0].node = root;
    for (std::uint32_t i : level[0].rows) level[0].sum += r[i];
    build_hist(level[0]);
    bool any_split = false;
    std::vector<std::pair<int, int>> split_bin;  // (node, bin) for the binned routing below
    for (int depth = 0; depth < params_.max_depth && !level.empty(); ++depth) {
      std::vector<Work> next;
      for (Work& w : level) {
        const double G = w.sum;
        const auto N = static_cast<double>(w.rows.size());
        double best_gain = 1e-12 * (G * G / (N + lam) + 1e-300);
        int best_f = -1, best_b = -1;
        if (static_cast<int>(w.rows.size()) >= 2 * min_leaf) {
          const double parent = G * G / (N + lam);
          for (Eigen::Index f = 0; f < p; ++f) {
            const double* hs = w.hist.sum.data() + f * 256;
            const std::int32_t* hc = w.hist.count.data() + f * 256;
            double gl = 0.0;
            std::int64_t nl = 0;
            for (int b = 0; b + 1 < nb[static_cast<std::size_t>(f)]; ++b) {
              gl += hs[b];
              nl += hc[b];
              const std::int64_t nr = static_cast<std::int64_t>(w.rows.size()) - nl;
              if (nl < min_leaf) continue;
              if (nr < min_leaf) break;
              const double gr = G - gl;
              const double gain = gl * gl / (static_cast<double>(nl) + lam) + gr * gr / (static_cast<double>(nr) + lam) - parent;
              if (gain > best_gain) {
                best_gain = gain;
                best_f = static_cast<int>(f);
                best_b = b;
              }
            }
          }
        }
        if (best_f < 0) continue;  // stays a leaf
        any_split = true;
        Work L, R;
        const std::uint8_t* bf = bins.data() + static_cast<Eigen::Index>(best_f) * n;
        for (std::uint32_t i : w.rows) {
          if (bf[i] <= best_b) {
            L.rows.push_back(i);
            L.sum += r[i];
          } else {
            R.rows.push_back(i);
            R.sum += r[i];
          }
        }
        L.node = static_cast<int>(nodes_.size());
        nodes_.push_back({});
        R.node = static_cast<int>(nodes_.size());
        nodes_.push_back({});
        Node& nd = nodes_[static_cast<std::size_t>(w.node)];
        nd.feature = best_f;
        nd.threshold = edges[static_cast<std::size_t>(best_f)][static_cast<std::size_t>(best_b)];
        nd.left = L.node;
        nd.right = R.node;
        split_bin.emplace_back(w.node, best_b);
        if (depth + 1 < params_.max_depth) {
          Work& small = L.rows.size() <= R.rows.size() ? L : R;
          Work& large = L.rows.size() <= R.rows.size() ? R : L;
          build_hist(small);
          large.hist.sum.resize(w.hist.sum.size());
          large.hist.count.resize(w.hist.count.size());
          for (std::size_t k = 0; k < w.hist.sum.size(); ++k) {
            large.hist.sum[k] = w.hist.sum[k] - small.hist.sum[k];
            large.hist.count[k] = w.hist.count[k] - small.hist.count[k];
          }
          next.push_back(std::move(L));
          next.push_back(std::move(R));
        } else {
          next.push_back(std::move(L));
          next.push_back(std::move(R));
          next.back().hist = {};
          next[next.size() - 2].hist = {};
        }
      }
      // Leaves of this level that did not split keep their value from the parent pass below.
      for (Work& w : level) {
        Node& nd = nodes_[static_cast<std::size_t>(w.node)];
        if (nd.feature < 0) nd.value = lr * w.sum / (static_cast<double>(w.rows.size()) + lam);
      }
      level = std::move(next);
    }
    for (Work& w : level) {
      Node& nd = nodes_[static_cast<std::size_t>(w.node)];
      nd.value = lr * w.sum / (static_cast<double>(w.rows.size()) + lam);
    }
    if (!any_split) {
      nodes_.resize(static_cast<std::size_t>(root));
      break;
    }
    roots_.push_back(root);
    // Update F on every row by routing with the bins (same decisions as the thresholds).
    std::vector<int> bin_of(nodes_.size() - static_cast<std::size_t>(root), -1);
    for (const auto& [nd, b] : split_bin) bin_of[static_cast<std::size_t>(nd - root)] = b;
    for (Eigen::Index i = 0; i < n; ++i) {
      int k = root;
      while (nodes_[static_cast<std::size_t>(k)].feature >= 0) {
        const Node& nd = nodes_[static_cast<std::size_t>(k)];
        k = bins[static_cast<std::size_t>(nd.feature * n + i)] <= bin_of[static_cast<std::size_t>(k - root)] ? nd.left
                                                                                                             : nd.right;
      }
      F[i] += nodes_[static_cast<std::size_t>(k)].value;
    }
  }
}

double GradientBoostedTrees::predict(const double* row) const noexcept {
  double s = base_;
  for (int root : roots_) {
    int k = root;
    while (nodes_[static_cast<std::size_t>(k)].feature >= 0) {
      const Node& nd = nodes_[static_cast<std::size_t>(k)];
      k = row[nd.feature] <= nd.threshold ? nd.left : nd.right;
    }
    s += nodes_[static_cast<std::size_t>(k)].value;
  }
  return s;
}

Eigen::VectorXd GradientBoostedTrees::predict(const Eigen::MatrixXd& X) const {
  if (X.cols() != features_)
    throw InputError("", "X", "has " + std::to_string(X.cols()) + " columns, the model " + std::to_string(features_));
  Eigen::VectorXd out(X.rows());
  std::vector<double> row(static_cast<std::size_t>(X.cols()));
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    for (Eigen::Index f = 0; f < X.cols(); ++f) row[static_cast<std::size_t>(f)] = X(i, f);
    out[i] = predict(row.data());
  }
  return out;
}

}  // namespace ehub::forecast
