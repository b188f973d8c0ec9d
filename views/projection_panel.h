// The projection dock: a method (PCA, t-SNE, UMAP) with its main parameter
// and seed, Compute / Cancel with live progress, colouring by category or
// popularity, and the map itself (views/projection_map.h). Hovering an item
// names it; Shift+drag selects items, which are listed with their nearest
// neighbours in the embedding space and can be exported as CSV.
#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

#include <functional>

#include "views/projection_map.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace recdiff::views {

class ErrorBanner;

struct ProjectionSettings {
  QString method = "pca";
  double perplexity = 30.0;
  int neighbours = 15;
  quint64 seed = 1;
  bool normalise = true;
};

class ProjectionPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ProjectionPanel(QWidget* parent = nullptr);

  ProjectionSettings settings() const;
  void setSettings(const ProjectionSettings& settings);

  // The catalogue's colourings: per item (index = item id - 1) its category
  // (-1 none) with the category names, and its popularity (interactions).
  void setItems(const QStringList& labels, const QVector<int>& category, const QStringList& categoryNames,
                const QVector<int>& popularity);
  // Nearest neighbours of an item (index) in the embedding space: the
  // studio supplies them (it holds the embeddings).
  void setNeighbourFinder(std::function<QVector<int>(int item, int count)> finder);

  void setLayout2d(const QVector<QPointF>& catalog);  // progress or result
  void setResult(const QVector<QPointF>& catalog, const QVector<QPointF>& generated,
                 const QVector<ProjectionMap::Contour>& contours, const QString& message);
  void setTrajectory(const QVector<QPointF>& path, int current);
  void setRunEnds(const QVector<QPointF>& points);  // the scrubbed runs' final x0
  void setBusy(bool busy, const QString& what = QString(), int percent = -1);
  void showError(const QString& title, const QString& details);
  void clearMap(const QString& why);

  ProjectionMap* map() const { return map_; }
  bool colourByCategory() const;
  QVector<int> selectedItems() const { return map_->selection(); }
  // Writes the selected items as CSV (item, label, category, popularity).
  bool exportSelection(const QString& path, QString* error) const;

 Q_SIGNALS:
  void computeRequested(const ProjectionSettings& settings);
  void cancelRequested();

 private:
  void recolour();
  void showSelection();

  QComboBox* method_;
  QDoubleSpinBox* perplexity_;
  QSpinBox* neighbours_;
  QSpinBox* seed_;
  QCheckBox* normalise_;
  QComboBox* colourBy_;
  QPushButton* compute_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* status_;
  QLabel* legend_;
  ProjectionMap* map_;
  QListWidget* selected_;
  ErrorBanner* banner_;
  QStringList labels_;
  QVector<int> category_;
  QStringList categoryNames_;
  QVector<int> popularity_;
  QVector<QPointF> catalog_;
  std::function<QVector<int>(int, int)> neighbours_of_;
};

}  // namespace recdiff::views
