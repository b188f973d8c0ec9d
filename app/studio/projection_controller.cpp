#include "app/studio/projection_controller.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cstdint>

#include "app/studio/job_runner.h"
#include "core/analysis/contours.h"
#include "core/analysis/kde.h"
#include "core/analysis/projection.h"

namespace recdiff::studio {

namespace {

QVector<QPointF> toPoints(const analysis::Matrix& m) {
  QVector<QPointF> out;
  out.reserve(static_cast<int>(m.rows()));
  for (Eigen::Index i = 0; i < m.rows(); ++i) out.push_back(QPointF(m(i, 0), m(i, 1)));
  return out;
}

void normaliseRows(analysis::Matrix& m) {
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    const float n = m.row(i).norm();
    if (n > 0) m.row(i) /= n;
  }
}

// Lines at the densities holding 50 % and 90 % of the mass.
void addContours(QVector<views::ProjectionMap::Contour>& out, const analysis::DensityGrid& grid, QColor color) {
  const auto levels = analysis::massLevels(grid, {0.5, 0.9});
  for (std::size_t l = 0; l < levels.size(); ++l) {
    views::ProjectionMap::Contour c;
    c.color = color;
    c.color.setAlphaF(l == 0 ? 1.0 : 0.55);
    for (const auto& s : analysis::contourSegments(grid, levels[l]))
      c.segments.push_back(QLineF(s.x0, s.y0, s.x1, s.y1));
    out.push_back(c);
  }
}

}  // namespace

ProjectionController::ProjectionController(JobRunner* jobs, QObject* parent) : QObject(parent), jobs_(jobs) {}

bool ProjectionController::start(const ModelHandle& model, std::shared_ptr<const data::SequenceDataset> dataset,
                                 const ProjectionRequest& request, const QString& device, int threads, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (model.isNull()) return fail(tr("Train the model or load a checkpoint first."));
  if (!dataset) return fail(tr("Load a dataset first."));
  const auto method = analysis::parseProjectionMethod(request.method.toStdString());
  if (!method) return fail(tr("Unknown projection method '%1'.").arg(request.method));
  jobs_->start(JobKind::Projection, [this, model, dataset, request, device, threads, method](JobContext& ctx) {
    QElapsedTimer clock;
    clock.start();
    try {
      analysis::Matrix catalog = core::itemTable(model);
      core::TraceSettings settings;
      settings.device = device.toStdString();
      settings.threads = threads;
      settings.seed = request.seed;
      analysis::Matrix generated = core::generateForTest(model, *dataset, request.generatedUsers, settings);
      if (request.normalise) {
        normaliseRows(catalog);
        normaliseRows(generated);
      }
      analysis::ProjectionOptions options;
      options.method = *method;
      options.tsne.perplexity = request.perplexity;
      options.tsne.seed = request.seed;
      options.tsne.threads = threads;
      options.umap.nNeighbors = request.neighbours;
      if (request.iterations > 0) {
        options.tsne.iterations = request.iterations;
        options.umap.epochs = request.iterations;
      }
      options.umap.seed = request.seed;
      options.umap.threads = threads;
      QElapsedTimer sincePost;  // invalid until the first layout: that one is shown at once
      auto onProgress = [&](const analysis::Progress& p) {
        if (ctx.cancelled()) return false;
        if (p.embedding && (!sincePost.isValid() || sincePost.elapsed() >= 300)) {
          sincePost.start();
          const int percent = p.totalIterations > 0 ? 100 * p.iteration / p.totalIterations : 0;
          const QVector<QPointF> layout = toPoints(*p.embedding);
          ctx.post([this, percent, layout] { Q_EMIT progress(tr("Optimising the layout"), percent, layout); });
        }
        return true;
      };
      const analysis::Matrix layout = analysis::project(catalog, options, onProgress);
      auto placement = std::make_shared<const analysis::NeighbourPlacement>(catalog, layout);
      const analysis::Matrix placed = generated.rows() > 0 ? placement->place(generated) : analysis::Matrix(0, 2);
      ProjectionResult result;
      result.catalog = toPoints(layout);
      result.generated = toPoints(placed);
      result.placement = placement;
      result.embeddings = std::make_shared<const analysis::Matrix>(catalog);
      result.normalised = request.normalise;
      analysis::KdeOptions kde;
      kde.width = kde.height = 96;
      kde.extent = placed.rows() > 0 ? analysis::extentOf(layout, placed) : analysis::extentOf(layout);
      addContours(result.contours, analysis::kde2d(layout, kde), QColor(0x33, 0x33, 0x33));
      if (placed.rows() > 1) addContours(result.contours, analysis::kde2d(placed, kde), QColor(0xd5, 0x5e, 0x00));
      result.seconds = clock.elapsed() / 1000.0;
      ctx.finish([this, result] {
        last_ = result;
        Q_EMIT finished(true, false,
                        tr("Mapped %1 items and %2 generated embeddings in %3 s.")
                            .arg(result.catalog.size())
                            .arg(result.generated.size())
                            .arg(result.seconds, 0, 'f', 1));
      });
    } catch (const analysis::Cancelled&) {
      ctx.finish([this] { Q_EMIT finished(true, true, tr("Projection cancelled.")); });
    } catch (const std::exception& e) {
      const QString message = QString::fromStdString(e.what());
      ctx.finish([this, message] { Q_EMIT finished(false, false, message); });
    }
  });
  Q_EMIT started(tr("Mapping the catalogue (%1)…").arg(request.method.toUpper()));
  return true;
}

bool ProjectionController::isRunning() const { return jobs_->isRunning(JobKind::Projection); }

void ProjectionController::cancel() { jobs_->cancel(JobKind::Projection); }

QVector<QPointF> ProjectionController::place(const std::vector<float>& rows, std::int64_t dim) const {
  if (!last_.placement || dim <= 0 || rows.empty()) return {};
  analysis::Matrix m(static_cast<Eigen::Index>(rows.size() / static_cast<std::size_t>(dim)), dim);
  std::copy(rows.begin(), rows.begin() + m.size(), m.data());
  if (last_.normalised) normaliseRows(m);
  return toPoints(last_.placement->place(m));
}

QVector<int> ProjectionController::nearestItems(int item, int count) const {
  if (!last_.embeddings || item < 0 || item >= last_.embeddings->rows()) return {};
  const analysis::Matrix& e = *last_.embeddings;
  std::vector<std::pair<float, int>> distance;
  distance.reserve(static_cast<std::size_t>(e.rows()));
  for (Eigen::Index i = 0; i < e.rows(); ++i) {
    if (i != item) distance.emplace_back((e.row(i) - e.row(item)).squaredNorm(), static_cast<int>(i));
  }
  const auto n = std::min<std::size_t>(static_cast<std::size_t>(std::max(0, count)), distance.size());
  std::partial_sort(distance.begin(), distance.begin() + static_cast<std::ptrdiff_t>(n), distance.end());
  QVector<int> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(distance[i].second);
  return out;
}

}  // namespace recdiff::studio
