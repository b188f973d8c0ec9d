// A matrix drawn as coloured cells with row and column labels, a colour bar
// and the value under the mouse as a tooltip: the routing weights A
// (history × interests) and the covariance C (interests × interests).
// The colour map is viridis-like (perceptually ordered, colour-blind safe);
// a diverging blue–white–red map centred at 0 is used for signed data.
// Annotations: marked cells (outlined, with their value when it fits) and a
// note under a column's label (e.g. each head's peak and "collapsed").
#pragma once

#include <QPoint>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QPainter;

namespace recdiff::views {

class HeatmapView : public QWidget {
  Q_OBJECT

 public:
  enum class Scale { Sequential, Diverging };

  explicit HeatmapView(const QString& title, QWidget* parent = nullptr);

  // values: rows*columns, row-major. Labels may be empty (then 1, 2, …).
  void setMatrix(int rows, int columns, const QVector<float>& values, const QStringList& rowLabels = {},
                 const QStringList& columnLabels = {});
  void clear(const QString& message = QString());
  void setScale(Scale scale);
  // Outlined cells as (column, row); cleared by setMatrix and clear.
  void setMarkedCells(const QVector<QPoint>& cells);
  // A short alert under each column's label ("" = none); cleared likewise.
  void setColumnNotes(const QStringList& notes);
  const QVector<QPoint>& markedCells() const { return marked_; }
  const QStringList& columnNotes() const { return notes_; }

  int rows() const { return rows_; }
  int columns() const { return columns_; }
  float value(int row, int column) const { return values_.at(row * columns_ + column); }
  // The cell under a widget position, or (-1,-1).
  QPoint cellAt(const QPoint& position) const;
  // The colour of a value in [lo, hi] under the current scale (for tests).
  QColor colorFor(float value) const;

  QSize sizeHint() const override { return {360, 260}; }
  QSize minimumSizeHint() const override { return {160, 120}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  QRectF gridRect() const;
  bool hasNotes() const;
  void paintMarks(QPainter& painter, const QRectF& grid) const;

  QString title_;
  QString message_;
  int rows_ = 0, columns_ = 0;
  QVector<float> values_;
  QStringList rowLabels_, columnLabels_;
  QVector<QPoint> marked_;
  QStringList notes_;
  float lo_ = 0.f, hi_ = 1.f;
  Scale scale_ = Scale::Sequential;
};

}  // namespace recdiff::views
