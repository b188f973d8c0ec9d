// The dataset dock: choose a file or folder (dialogs or drag and drop) or
// the built-in synthetic generator, set the preprocessing (the papers'
// defaults: items seen at least 5 times, sequences of at least 3 items) and
// the split, then see the statistics and the distributions. Loading happens
// in the app's controller; this panel only asks and shows.
#pragma once

#include <QStringList>
#include <QWidget>

#include "core/data/dataset_loader.h"
#include "core/data/synthetic.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QDoubleSpinBox;
class QTableView;

namespace recdiff::views {

class DatasetStatsModel;
class ErrorBanner;
class HistogramChart;

class DatasetPanel : public QWidget {
  Q_OBJECT

 public:
  explicit DatasetPanel(QWidget* parent = nullptr);

  // The file/folder source with the options as the form shows them.
  data::DatasetSpec spec() const;
  void setSpec(const data::DatasetSpec& spec);
  data::SyntheticConfig syntheticConfig() const;
  void setSyntheticConfig(const data::SyntheticConfig& config);
  bool syntheticSelected() const;
  void setSyntheticSelected(bool synthetic);
  void setPath(const QString& path);

  void setBusy(bool busy, const QString& what = QString());
  void showDataset(const QString& name, const QString& split, const data::DatasetStats& stats,
                   const QStringList& reportLines, const QStringList& warnings);
  void showError(const QString& title, const QString& details);
  void clearDataset();

  ErrorBanner* banner() const { return banner_; }
  DatasetStatsModel* statsModel() const { return stats_; }
  HistogramChart* lengthChart() const { return lengths_; }
  HistogramChart* popularityChart() const { return popularity_; }

 Q_SIGNALS:
  void loadRequested();      // file/folder source: read spec()
  void generateRequested();  // synthetic source: read syntheticConfig()

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  QWidget* buildSource();
  QWidget* buildOptions();
  void updateEnabled();
  void browseFile();
  void browseFolder();

  ErrorBanner* banner_;
  QRadioButton* fileSource_;
  QRadioButton* syntheticSource_;
  QLineEdit* path_;
  QPushButton* browseFile_;
  QPushButton* browseFolder_;
  QWidget* fileOptions_;
  QWidget* syntheticOptions_;
  QComboBox* format_;
  QComboBox* split_;
  QComboBox* filter_;
  QSpinBox* minItemCount_;
  QSpinBox* minSequenceLength_;
  QSpinBox* maxLength_;
  QSpinBox* splitSeed_;
  QCheckBox* dedupe_;
  QCheckBox* strict_;
  QSpinBox* synUsers_;
  QSpinBox* synItems_;
  QSpinBox* synCategories_;
  QSpinBox* synInterests_;
  QDoubleSpinBox* synMeanLength_;
  QSpinBox* synSeed_;
  QPushButton* load_;
  QProgressBar* busy_;
  QLabel* status_;
  DatasetStatsModel* stats_;
  QTableView* table_;
  QPlainTextEdit* report_;
  HistogramChart* lengths_;
  HistogramChart* popularity_;
};

}  // namespace recdiff::views
