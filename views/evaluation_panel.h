// The evaluation dock: rank every test (or validation) sample over the full
// catalogue with the current model — off the GUI thread, with progress and
// cancel — show HR/NDCG@5,10,20,50 and MRR, and compare the session's models.
#pragma once

#include <QVector>
#include <QWidget>

#include "core/eval/ranking_metrics.h"
#include "views/comparison_table_model.h"

class QBarSet;
class QBarCategoryAxis;
class QChartView;
class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QValueAxis;

namespace recdiff::views {

class ErrorBanner;
class MetricsTableModel;

class EvaluationPanel : public QWidget {
  Q_OBJECT

 public:
  explicit EvaluationPanel(QWidget* parent = nullptr);

  QString split() const;  // "test" or "validation"
  bool excludeHistory() const;
  void setReady(bool ready, const QString& modelLabel, const QString& why = QString());

  void evaluationStarted(const QString& what);
  void setProgress(qint64 done, qint64 total);
  void evaluationFinished(bool ok, bool cancelled, const QString& message);
  // The current model's metrics (or none).
  void showMetrics(const QString& modelLabel, const QString& split, const std::optional<eval::RankingMetrics>& metrics);
  void setComparison(const QVector<ComparisonRow>& rows);
  bool isRunning() const { return running_; }

  MetricsTableModel* metricsModel() const { return metrics_; }
  ComparisonTableModel* comparisonModel() const { return comparison_; }
  ErrorBanner* banner() const { return banner_; }

 Q_SIGNALS:
  void evaluateRequested();
  void cancelRequested();

 private:
  void updateButtons();

  ErrorBanner* banner_;
  QLabel* model_;
  QComboBox* split_;
  QCheckBox* exclude_;
  QPushButton* evaluate_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* status_;
  QLabel* mrr_;
  MetricsTableModel* metrics_;
  QTableView* metricsView_;
  QChartView* chart_;
  QBarSet* hrSet_;
  QBarSet* ndcgSet_;
  QValueAxis* chartY_;
  ComparisonTableModel* comparison_;
  QTableView* comparisonView_;
  QLabel* routingTitle_;
  QTableView* routingView_;  // the same model: its routing-collapse columns
  bool ready_ = false;
  bool running_ = false;
  QString notReady_;
};

}  // namespace recdiff::views
