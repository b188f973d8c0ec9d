#include "views/interests_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "views/heatmap_view.h"

namespace recdiff::views {

InterestsPanel::InterestsPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  header_ = new QLabel(this);
  header_->setWordWrap(true);
  header_->setTextFormat(Qt::RichText);
  layout->addWidget(header_);
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  routing_ = new HeatmapView(tr("Routing weights A (history × interest)"), splitter);
  routing_->setToolTip(tr("Softmax over history positions per interest: where each interest looks"));
  auto* right = new QWidget(splitter);
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->setContentsMargins(0, 0, 0, 0);
  covariance_ = new HeatmapView(tr("Covariance C of the routing weights"), right);
  covariance_->setScale(HeatmapView::Scale::Diverging);
  covariance_->setToolTip(tr("C = (A − Ā)ᵀ(A − Ā)/|S|; L_reg penalises its rows"));
  attended_ = new QTextBrowser(right);
  attended_->setMinimumHeight(90);
  shares_ = new HeatmapView(tr("Across users: share of positions each head wins"), right);
  shares_->setToolTip(tr("A head that never wins is dead; one head winning everything is routing collapse"));
  shares_->setMinimumHeight(70);
  acrossUsers_ = new QLabel(right);
  acrossUsers_->setWordWrap(true);
  acrossUsers_->setTextFormat(Qt::RichText);
  rightLayout->addWidget(covariance_, 3);
  rightLayout->addWidget(attended_, 2);
  rightLayout->addWidget(shares_, 1);
  rightLayout->addWidget(acrossUsers_);
  splitter->addWidget(routing_);
  splitter->addWidget(right);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  layout->addWidget(splitter, 1);
  clear(tr("Train a multi-interest model (ADIGRec, DimeRec, ComiRec), then pick a user in the scrubber."));
}

void InterestsPanel::setItemLabeler(std::function<QString(qint64)> labeler) { labeler_ = std::move(labeler); }

void InterestsPanel::clear(const QString& why) {
  header_->setText(why);
  routing_->clear(why);
  covariance_->clear();
  attended_->clear();
  regulariser_ = std::numeric_limits<double>::quiet_NaN();
  topItems_.clear();
}

void InterestsPanel::setInspection(const QString& user, const Inspection& inspection, const QVector<qint64>& history) {
  const auto weights = inspection.find("routing_weights");
  if (weights == inspection.end() || weights->second.shape.size() != 2) {
    clear(tr("%1: this model exposes no interest routing.").arg(user));
    return;
  }
  const auto& a = weights->second;
  const int rows = static_cast<int>(a.shape[0]), k = static_cast<int>(a.shape[1]);
  // The batch is left-padded: the last `history` rows are the real items.
  const int real = std::min(rows, static_cast<int>(history.size()));
  const int offset = rows - real;
  const int historyOffset = static_cast<int>(history.size()) - real;
  auto label = [this](qint64 id) { return labeler_ ? labeler_(id) : QString::number(id); };
  QVector<float> values;
  QStringList rowLabels, columnLabels;
  for (int r = offset; r < rows; ++r) {
    rowLabels << label(history[historyOffset + r - offset]);
    for (int c = 0; c < k; ++c) values << a.values[static_cast<std::size_t>(r * k + c)];
  }
  for (int c = 0; c < k; ++c) columnLabels << tr("int. %1").arg(c + 1);
  routing_->setMatrix(real, k, values, rowLabels, columnLabels);

  const auto cov = inspection.find("routing_covariance");
  if (cov != inspection.end() && cov->second.shape.size() == 2) {
    QVector<float> c(cov->second.values.begin(), cov->second.values.end());
    covariance_->setMatrix(static_cast<int>(cov->second.shape[0]), static_cast<int>(cov->second.shape[1]), c,
                           columnLabels, columnLabels);
  } else {
    covariance_->clear(tr("No covariance exposed"));
  }
  const auto reg = inspection.find("l_reg");
  regulariser_ = reg != inspection.end() && !reg->second.values.empty() ? reg->second.values[0]
                                                                         : std::numeric_limits<double>::quiet_NaN();

  // Per interest: its three most attended items; and the effective number of
  // interests, exp(entropy) of the interests' share of the strongest weights.
  topItems_.clear();
  QString html;
  QVector<double> wins(k, 0.0);
  for (int r = 0; r < real; ++r) {
    int best = 0;
    for (int c = 1; c < k; ++c) {
      if (values[r * k + c] > values[r * k + best]) best = c;
    }
    wins[best] += 1.0;
  }
  for (int c = 0; c < k; ++c) {
    std::vector<int> order(static_cast<std::size_t>(real));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int x, int y) { return values[x * k + c] > values[y * k + c]; });
    QStringList top;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, order.size()); ++i) {
      top << QStringLiteral("%1 (%2)").arg(rowLabels[order[i]].toHtmlEscaped()).arg(values[order[i] * k + c], 0, 'f', 2);
    }
    topItems_ << (order.empty() ? 0 : history[historyOffset + order.front()]);
    html += tr("<b>Interest %1</b>: %2<br>").arg(c + 1).arg(top.join(", "));
  }
  double entropy = 0.0;
  for (double w : wins) {
    const double p = real > 0 ? w / real : 0.0;
    if (p > 0) entropy -= p * std::log(p);
  }
  attended_->setHtml(html);
  header_->setText(tr("<b>%1</b> · %2 history items, k = %3 · L_reg = %4 · interests in use (exp entropy of "
                      "the argmax shares) = %5")
                       .arg(user.toHtmlEscaped())
                       .arg(real)
                       .arg(k)
                       .arg(std::isfinite(regulariser_) ? QString::number(regulariser_, 'g', 4) : tr("–"))
                       .arg(std::exp(entropy), 0, 'f', 2));
}

QString InterestsPanel::summary() const { return header_->text(); }

QString InterestsPanel::diagnosticsText() const { return acrossUsers_->text(); }

void InterestsPanel::setDiagnostics(const std::optional<eval::ModelDiagnostics>& d, const QStringList& categoryNames) {
  if (!d) {
    shares_->clear(tr("Not computed"));
    acrossUsers_->clear();
    return;
  }
  QStringList lines;
  if (d->interests) {
    const auto& i = *d->interests;
    QVector<float> share;
    QStringList heads;
    for (std::size_t h = 0; h < i.argmaxShare.size(); ++h) {
      share << static_cast<float>(i.argmaxShare[h]);
      heads << tr("int. %1").arg(h + 1);
    }
    shares_->setMatrix(1, static_cast<int>(share.size()), share, {tr("share")}, heads);
    lines << tr("<b>Across %1 test users</b>: %2 of %3 interests effectively used; mean L_reg %4; mean |C| off the "
                "diagonal %5")
                 .arg(i.users)
                 .arg(i.meanEffectiveInterests, 0, 'f', 2)
                 .arg(i.interests)
                 .arg(i.meanLReg, 0, 'g', 3)
                 .arg(i.meanOffDiagonalAbsCovariance, 0, 'g', 3);
  } else {
    shares_->clear(tr("This model has no interest routing"));
  }
  if (d->categoryMatch) {
    QStringList pairs;
    for (std::size_t h = 0; h < d->categoryMatch->assignment.size(); ++h) {
      const int c = d->categoryMatch->assignment[h];
      pairs << tr("%1→%2").arg(h + 1).arg(c >= 0 && c < categoryNames.size() ? categoryNames[c].toHtmlEscaped() : tr("none"));
    }
    lines << tr("Heads vs item categories (on the synthetic data: the planted interests): matched %1, NMI %2 (%3)")
                 .arg(d->categoryMatch->matchedAccuracy, 0, 'f', 2)
                 .arg(d->categoryMatch->nmi, 0, 'f', 2)
                 .arg(pairs.join(", "));
  }
  const auto& e = d->embedding;
  lines << tr("Item embeddings: effective rank %1 of %2, isotropy %3, singular-value entropy %4 — %5")
               .arg(e.effectiveRank, 0, 'f', 1)
               .arg(e.dimensions)
               .arg(e.isotropy, 0, 'f', 2)
               .arg(e.singularValueEntropy, 0, 'f', 2)
               .arg(QString::fromStdString(e.verdict).toHtmlEscaped());
  if (d->probe) {
    lines << tr("Linear probe of item categories: accuracy %1 (majority %2)")
                 .arg(d->probe->test.accuracy, 0, 'f', 2)
                 .arg(d->probe->majority.accuracy, 0, 'f', 2);
  }
  acrossUsers_->setText(lines.join("<br>"));
}

}  // namespace recdiff::views
