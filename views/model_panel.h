// The model dock: the session's models (add, remove, rename), the model
// type from the registry, its hyper-parameter form generated from the
// declared ParamSpecs (paper values beside), reset to defaults, and loading
// a checkpoint.
#pragma once

#include <QString>
#include <QVector>
#include <QWidget>
#include <vector>

#include "core/models/model_config.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;

namespace recdiff::views {

class ErrorBanner;
class ParamForm;

// One model of the session as the panel lists it.
struct ModelEntryView {
  QString label;
  QString modelName;  // registry key
  models::Config config;
  QString status;  // e.g. "trained: best epoch 4, validation NDCG@20 3.1 %"
};

class ModelPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ModelPanel(QWidget* parent = nullptr);

  // The registry's models, in display order (from the app's core facade).
  void setAvailableModels(const std::vector<models::ModelInfo>& models);
  void setEntries(const QVector<ModelEntryView>& entries, int current);
  int currentEntry() const;
  // The registry key the type combo shows.
  QString selectedModelName() const;
  models::Config config() const;
  void setEditingEnabled(bool enabled);
  void showError(const QString& title, const QString& details);

  ParamForm* form() const { return form_; }
  ErrorBanner* banner() const { return banner_; }

 Q_SIGNALS:
  void currentEntryChanged(int index);
  void addRequested(const QString& modelName);
  void removeRequested(int index);
  void labelEdited(int index, const QString& label);
  // The model type or a parameter changed: read modelName + config().
  void configEdited(int index);
  void loadCheckpointRequested(const QString& path);

 private:
  void showModelType(const QString& name, const models::Config& config);
  const models::ModelInfo* info(const QString& name) const;

  std::vector<models::ModelInfo> models_;
  QVector<ModelEntryView> entries_;
  ErrorBanner* banner_;
  QComboBox* entries_combo_;
  QPushButton* add_;
  QPushButton* remove_;
  QLineEdit* label_;
  QComboBox* type_;
  QLabel* paper_;
  QLabel* status_;
  QPushButton* reset_;
  QPushButton* loadCheckpoint_;
  QScrollArea* scroll_;
  ParamForm* form_;
  bool updating_ = false;
};

}  // namespace recdiff::views
