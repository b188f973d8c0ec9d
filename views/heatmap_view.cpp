#include "views/heatmap_view.h"

#include <QFontMetrics>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <array>
#include <cmath>

namespace recdiff::views {

namespace {

// Anchor colours of viridis at 0, 0.25, 0.5, 0.75, 1 (interpolated between).
constexpr std::array<QRgb, 5> kViridis = {0x440154, 0x3b528b, 0x21918c, 0x5ec962, 0xfde725};
constexpr std::array<QRgb, 3> kDiverging = {0x2166ac, 0xf7f7f7, 0xb2182b};

template <std::size_t N>
QColor interpolate(const std::array<QRgb, N>& anchors, double x) {
  x = std::clamp(x, 0.0, 1.0) * (N - 1);
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(x), N - 2);
  const double f = x - static_cast<double>(i);
  const QColor a(anchors[i]), b(anchors[i + 1]);
  return QColor::fromRgbF(a.redF() + f * (b.redF() - a.redF()), a.greenF() + f * (b.greenF() - a.greenF()),
                          a.blueF() + f * (b.blueF() - a.blueF()));
}

constexpr int kTitleHeight = 20;
constexpr int kColorBarWidth = 14;

}  // namespace

HeatmapView::HeatmapView(const QString& title, QWidget* parent) : QWidget(parent), title_(title) {
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void HeatmapView::setMatrix(int rows, int columns, const QVector<float>& values, const QStringList& rowLabels,
                            const QStringList& columnLabels) {
  if (rows < 0 || columns < 0 || values.size() != rows * columns) {
    clear(tr("(malformed matrix)"));
    return;
  }
  rows_ = rows;
  columns_ = columns;
  values_ = values;
  rowLabels_ = rowLabels;
  columnLabels_ = columnLabels;
  marked_.clear();
  notes_.clear();
  message_.clear();
  lo_ = hi_ = 0.f;
  bool first = true;
  for (float v : values_) {
    if (!std::isfinite(v)) continue;
    lo_ = first ? v : std::min(lo_, v);
    hi_ = first ? v : std::max(hi_, v);
    first = false;
  }
  if (scale_ == Scale::Diverging) {
    const float m = std::max(std::abs(lo_), std::abs(hi_));
    lo_ = -m;
    hi_ = m;
  }
  if (hi_ <= lo_) hi_ = lo_ + 1e-6f;
  update();
}

void HeatmapView::clear(const QString& message) {
  rows_ = columns_ = 0;
  values_.clear();
  rowLabels_.clear();
  columnLabels_.clear();
  marked_.clear();
  notes_.clear();
  message_ = message;
  update();
}

void HeatmapView::setScale(Scale scale) {
  scale_ = scale;
  if (rows_ > 0) setMatrix(rows_, columns_, values_, rowLabels_, columnLabels_);
}

void HeatmapView::setMarkedCells(const QVector<QPoint>& cells) {
  marked_ = cells;
  update();
}

void HeatmapView::setColumnNotes(const QStringList& notes) {
  notes_ = notes;
  update();
}

bool HeatmapView::hasNotes() const {
  return std::any_of(notes_.begin(), notes_.end(), [](const QString& n) { return !n.isEmpty(); });
}

QColor HeatmapView::colorFor(float value) const {
  if (!std::isfinite(value)) return QColor(Qt::lightGray);
  const double x = (static_cast<double>(value) - lo_) / (static_cast<double>(hi_) - lo_);
  return scale_ == Scale::Diverging ? interpolate(kDiverging, x) : interpolate(kViridis, x);
}

QRectF HeatmapView::gridRect() const {
  const QFontMetrics fm(font());
  int labelWidth = fm.horizontalAdvance(QString::number(rows_));
  for (const QString& l : rowLabels_) labelWidth = std::max(labelWidth, fm.horizontalAdvance(l));
  labelWidth = std::min(labelWidth, width() / 3);
  const double left = labelWidth + 8;
  // Title, column labels, then (when any) the column notes.
  const double top = kTitleHeight + fm.height() * (hasNotes() ? 2 : 1) + 4;
  const double right = width() - kColorBarWidth - fm.horizontalAdvance("-0.00e-00") - 12;
  const double bottom = height() - 4;
  return QRectF(QPointF(left, top), QPointF(std::max(left + 1, right), std::max(top + 1, bottom)));
}

QPoint HeatmapView::cellAt(const QPoint& position) const {
  if (rows_ == 0 || columns_ == 0) return {-1, -1};
  const QRectF g = gridRect();
  if (!g.contains(position)) return {-1, -1};
  const int c = std::min(columns_ - 1, static_cast<int>((position.x() - g.left()) / g.width() * columns_));
  const int r = std::min(rows_ - 1, static_cast<int>((position.y() - g.top()) / g.height() * rows_));
  return {c, r};
}

void HeatmapView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  QFont bold = font();
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(palette().text().color());
  p.drawText(QRect(0, 0, width(), kTitleHeight), Qt::AlignCenter, title_);
  p.setFont(font());
  if (rows_ == 0 || columns_ == 0) {
    p.setPen(palette().placeholderText().color());
    p.drawText(rect().adjusted(8, kTitleHeight, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
               message_.isEmpty() ? tr("Nothing to show yet") : message_);
    return;
  }
  const QRectF g = gridRect();
  const double cw = g.width() / columns_, ch = g.height() / rows_;
  for (int r = 0; r < rows_; ++r) {
    for (int c = 0; c < columns_; ++c) {
      p.fillRect(QRectF(g.left() + c * cw, g.top() + r * ch, cw + 0.5, ch + 0.5), colorFor(value(r, c)));
    }
  }
  const QFontMetrics fm(font());
  p.setPen(palette().text().color());
  // Row labels only where they fit; column labels above the grid.
  const int rowStride = std::max(1, static_cast<int>(std::ceil(fm.height() / std::max(1.0, ch))));
  for (int r = 0; r < rows_; r += rowStride) {
    const QString label = r < rowLabels_.size() ? rowLabels_[r] : QString::number(r + 1);
    p.drawText(QRectF(0, g.top() + r * ch, g.left() - 4, std::max(ch, double(fm.height()))),
               Qt::AlignRight | Qt::AlignVCenter, fm.elidedText(label, Qt::ElideMiddle, int(g.left()) - 6));
  }
  const int columnStride = std::max(1, static_cast<int>(std::ceil(fm.horizontalAdvance("0000") / std::max(1.0, cw))));
  for (int c = 0; c < columns_; c += columnStride) {
    const QString label = c < columnLabels_.size() ? columnLabels_[c] : QString::number(c + 1);
    p.drawText(QRectF(g.left() + c * cw, kTitleHeight, cw * columnStride, fm.height()), Qt::AlignCenter,
               fm.elidedText(label, Qt::ElideRight, int(cw * columnStride)));
  }
  paintMarks(p, g);
  // The colour bar with its range.
  const QRectF bar(g.right() + 6, g.top(), kColorBarWidth, g.height());
  for (int y = 0; y < int(bar.height()); ++y) {
    const float v = hi_ - (hi_ - lo_) * float(y) / float(std::max(1.0, bar.height() - 1));
    p.fillRect(QRectF(bar.left(), bar.top() + y, bar.width(), 1.5), colorFor(v));
  }
  p.drawText(QPointF(bar.right() + 3, bar.top() + fm.ascent()), QString::number(hi_, 'g', 3));
  p.drawText(QPointF(bar.right() + 3, bar.bottom()), QString::number(lo_, 'g', 3));
}

void HeatmapView::paintMarks(QPainter& p, const QRectF& g) const {
  const QFontMetrics fm(font());
  const double cw = g.width() / columns_, ch = g.height() / rows_;
  for (const QPoint& cell : marked_) {
    if (cell.x() < 0 || cell.x() >= columns_ || cell.y() < 0 || cell.y() >= rows_) continue;
    const QRectF box(g.left() + cell.x() * cw, g.top() + cell.y() * ch, cw, ch);
    // Black on light cells, white on dark ones: the mark stays visible on
    // both ends of the colour map.
    const QColor ink = colorFor(value(cell.y(), cell.x())).lightnessF() > 0.5 ? Qt::black : Qt::white;
    p.setPen(QPen(ink, 2));
    p.drawRect(box.adjusted(1, 1, -1, -1));
    const QString text = QString::number(value(cell.y(), cell.x()), 'f', 2);
    if (ch >= fm.height() && cw >= fm.horizontalAdvance(text) + 6) p.drawText(box, Qt::AlignCenter, text);
  }
  if (!hasNotes()) return;
  QFont bold = font();
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(QColor(0xb2182b));  // the diverging map's red: an alert, readable on the panel's base
  const QFontMetrics boldMetrics(bold);
  // A note may spread over half of each neighbour without a note of its
  // own: "collapsed" then fits over narrow columns.
  auto quiet = [this](int c) { return c < 0 || c >= notes_.size() || notes_[c].isEmpty(); };
  for (int c = 0; c < std::min<int>(columns_, notes_.size()); ++c) {
    const double half = cw / 2 + (quiet(c - 1) && quiet(c + 1) ? cw / 2 : 0.0);
    const double centre = g.left() + (c + 0.5) * cw;
    p.drawText(QRectF(centre - half, kTitleHeight + fm.height(), 2 * half, fm.height()), Qt::AlignCenter,
               boldMetrics.elidedText(notes_[c], Qt::ElideRight, int(2 * half)));
  }
  p.setFont(font());
}

bool HeatmapView::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    const QPoint cell = cellAt(help->pos());
    if (cell.x() < 0) {
      QToolTip::hideText();
      e->ignore();
      return true;
    }
    const QString row = cell.y() < rowLabels_.size() ? rowLabels_[cell.y()] : QString::number(cell.y() + 1);
    const QString column = cell.x() < columnLabels_.size() ? columnLabels_[cell.x()] : QString::number(cell.x() + 1);
    QString text = QStringLiteral("%1 · %2: %3").arg(row, column).arg(value(cell.y(), cell.x()), 0, 'g', 4);
    if (cell.x() < notes_.size() && !notes_[cell.x()].isEmpty()) text += QStringLiteral(" (%1)").arg(notes_[cell.x()]);
    QToolTip::showText(help->globalPos(), text, this);
    return true;
  }
  return QWidget::event(e);
}

}  // namespace recdiff::views
