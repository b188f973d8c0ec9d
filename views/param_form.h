// The hyper-parameter form of a model, generated from its declared
// ParamSpecs: a check box for a flag, a spin box for a number, a combo box
// for a choice, with the paper's value beside each and the description as a
// tooltip. Model parameters and training parameters get separate groups.
#pragma once

#include <QHash>
#include <QWidget>

#include "core/models/model_config.h"

class QFormLayout;
class QLabel;
class QVBoxLayout;

namespace recdiff::views {

class ParamForm : public QWidget {
  Q_OBJECT

 public:
  explicit ParamForm(QWidget* parent = nullptr);

  // Rebuilds the form for `info`; keys missing from `config` take defaults.
  void setModel(const models::ModelInfo& info, const models::Config& config);
  void setConfig(const models::Config& config);
  // Every declared key with the value its editor shows.
  models::Config config() const;
  void resetToDefaults();
  // Only the keys whose value differs from the declared default.
  models::Config changedFromDefaults() const;

  QWidget* editor(const QString& key) const { return editors_.value(key); }
  QStringList keys() const { return order_; }
  const models::ModelInfo& info() const { return info_; }

 Q_SIGNALS:
  void configChanged();

 private:
  QWidget* makeEditor(const models::ParamSpec& spec);
  void setEditorValue(const models::ParamSpec& spec, const nlohmann::json& value);
  nlohmann::json editorValue(const models::ParamSpec& spec) const;
  void refreshMarks();
  void edited();

  models::ModelInfo info_;
  QVBoxLayout* layout_;
  QWidget* content_ = nullptr;
  QHash<QString, QWidget*> editors_;
  QHash<QString, QLabel*> labels_;
  QStringList order_;
  bool updating_ = false;
};

}  // namespace recdiff::views
