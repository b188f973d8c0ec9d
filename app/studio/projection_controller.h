// Lays the catalogue out in 2-D off the GUI thread (PCA, t-SNE or UMAP),
// with the intermediate layouts as live progress, cancellable, seeded; then
// places the generated embeddings of the first test users into the same map
// (neighbour placement, so the map never re-lays itself) and draws the
// density contours of both. The placement is kept, so the scrubber's runs
// land in the map as they are scrubbed.
#pragma once

#include <QObject>
#include <QPointF>
#include <QVector>

#include <cstdint>
#include <memory>

#include "app/studio/inspection_facade.h"
#include "core/analysis/placement.h"
#include "views/projection_map.h"

namespace recdiff::studio {

class JobRunner;

struct ProjectionRequest {
  QString method = "pca";    // "pca", "tsne", "umap"
  double perplexity = 30.0;  // t-SNE
  int neighbours = 15;       // UMAP
  int iterations = 0;        // t-SNE iterations / UMAP epochs; 0 = the method's default
  quint64 seed = 1;
  bool normalise = true;      // cosine geometry: unit rows before mapping
  int generatedUsers = 1000;  // test users whose generated x0 is placed
};

struct ProjectionResult {
  QVector<QPointF> catalog;    // item i+1 at [i]
  QVector<QPointF> generated;  // the first test users' generated x0
  QVector<views::ProjectionMap::Contour> contours;
  std::shared_ptr<const analysis::NeighbourPlacement> placement;
  std::shared_ptr<const analysis::Matrix> embeddings;  // the catalogue as mapped (normalised when asked)
  bool normalised = true;
  double seconds = 0.0;
};

class ProjectionController : public QObject {
  Q_OBJECT

 public:
  explicit ProjectionController(JobRunner* jobs, QObject* parent = nullptr);

  bool start(const ModelHandle& model, std::shared_ptr<const data::SequenceDataset> dataset,
             const ProjectionRequest& request, const QString& device, int threads, QString* error = nullptr);
  void cancel();
  bool isRunning() const;
  const ProjectionResult& last() const { return last_; }
  // Map positions of embedding rows (dim floats each), through the last
  // result's placement; empty when there is none.
  QVector<QPointF> place(const std::vector<float>& rows, std::int64_t dim) const;
  // The `count` items nearest to item index `item` in the mapped embedding
  // space (Euclidean; with normalisation that is the cosine order).
  QVector<int> nearestItems(int item, int count) const;

 Q_SIGNALS:
  void started(const QString& description);
  // A layout being optimised (t-SNE/UMAP), every few hundred ms.
  void progress(const QString& what, int percent, const QVector<QPointF>& layout);
  void finished(bool ok, bool cancelled, const QString& message);

 private:
  JobRunner* jobs_;
  ProjectionResult last_;
};

}  // namespace recdiff::studio
