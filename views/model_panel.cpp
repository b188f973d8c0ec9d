#include "views/model_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

#include "views/error_banner.h"
#include "views/param_form.h"

namespace recdiff::views {

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("modelPanel");
  auto* layout = new QVBoxLayout(this);
  banner_ = new ErrorBanner(this);
  layout->addWidget(banner_);

  auto* top = new QFormLayout;
  top->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto* entryRow = new QHBoxLayout;
  entries_combo_ = new QComboBox(this);
  entries_combo_->setObjectName("sessionModels");
  entries_combo_->setToolTip(tr("The models of this session; training and evaluation use the one shown"));
  entries_combo_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  add_ = new QPushButton(tr("Add"), this);
  add_->setObjectName("addModel");
  add_->setToolTip(tr("Add another model of the selected type to the session, to compare them"));
  remove_ = new QPushButton(tr("Remove"), this);
  remove_->setObjectName("removeModel");
  remove_->setToolTip(tr("Remove this model from the session (its checkpoint file stays)"));
  entryRow->addWidget(entries_combo_, 1);
  entryRow->addWidget(add_);
  entryRow->addWidget(remove_);
  top->addRow(tr("Session model"), entryRow);
  label_ = new QLineEdit(this);
  label_->setObjectName("modelLabel");
  label_->setToolTip(tr("A name for this model in the comparison table"));
  top->addRow(tr("Name"), label_);
  type_ = new QComboBox(this);
  type_->setObjectName("modelType");
  type_->setToolTip(tr("Every model registered in the core"));
  top->addRow(tr("Model"), type_);
  paper_ = new QLabel(this);
  paper_->setWordWrap(true);
  paper_->setStyleSheet("color: #5f6368;");
  top->addRow(QString(), paper_);
  status_ = new QLabel(tr("No model yet."), this);
  status_->setObjectName("modelStatus");
  status_->setWordWrap(true);
  top->addRow(tr("State"), status_);
  layout->addLayout(top);

  auto* buttons = new QHBoxLayout;
  reset_ = new QPushButton(tr("Reset to defaults"), this);
  reset_->setObjectName("resetDefaults");
  reset_->setToolTip(tr("Every parameter back to the model's declared default"));
  loadCheckpoint_ = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("Load checkpoint…"), this);
  loadCheckpoint_->setObjectName("loadCheckpoint");
  loadCheckpoint_->setToolTip(tr("Load a trained model (.pt) saved by the studio or the recdiff CLI"));
  buttons->addWidget(reset_);
  buttons->addStretch(1);
  buttons->addWidget(loadCheckpoint_);
  layout->addLayout(buttons);

  form_ = new ParamForm;
  scroll_ = new QScrollArea(this);
  scroll_->setWidgetResizable(true);
  scroll_->setFrameShape(QFrame::NoFrame);
  scroll_->setWidget(form_);
  layout->addWidget(scroll_, 1);

  connect(entries_combo_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (updating_ || index < 0 || index >= entries_.size()) return;
    const ModelEntryView& e = entries_.at(index);
    updating_ = true;
    label_->setText(e.label);
    status_->setText(e.status);
    showModelType(e.modelName, e.config);
    updating_ = false;
    Q_EMIT currentEntryChanged(index);
  });
  connect(add_, &QPushButton::clicked, this, [this] { Q_EMIT addRequested(selectedModelName()); });
  connect(remove_, &QPushButton::clicked, this, [this] {
    if (currentEntry() >= 0) Q_EMIT removeRequested(currentEntry());
  });
  connect(label_, &QLineEdit::editingFinished, this, [this] {
    if (currentEntry() >= 0 && !label_->text().trimmed().isEmpty()) {
      Q_EMIT labelEdited(currentEntry(), label_->text().trimmed());
    }
  });
  connect(type_, &QComboBox::currentIndexChanged, this, [this] {
    if (updating_) return;
    const QString name = selectedModelName();
    if (const models::ModelInfo* i = info(name)) {
      updating_ = true;
      showModelType(name, i->defaults());
      updating_ = false;
    }
    if (currentEntry() >= 0) {
      Q_EMIT configEdited(currentEntry());
    }
  });
  connect(form_, &ParamForm::configChanged, this, [this] {
    if (!updating_ && currentEntry() >= 0) Q_EMIT configEdited(currentEntry());
  });
  connect(reset_, &QPushButton::clicked, form_, &ParamForm::resetToDefaults);
  connect(loadCheckpoint_, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Load a checkpoint"), QString(),
        tr("Checkpoints (*.ckpt *.pt);;Models saved by the official PyTorch code (*.pth *.pt);;All files (*)"));
    if (!file.isEmpty()) Q_EMIT loadCheckpointRequested(file);
  });
}

const models::ModelInfo* ModelPanel::info(const QString& name) const {
  for (const auto& m : models_) {
    if (QString::fromStdString(m.name) == name) return &m;
  }
  return nullptr;
}

void ModelPanel::setAvailableModels(const std::vector<models::ModelInfo>& list) {
  models_ = list;
  updating_ = true;
  type_->clear();
  for (const auto& m : models_) {
    type_->addItem(QString::fromStdString(m.displayName) + (m.diffusion ? tr("  (diffusion)") : QString()),
                   QString::fromStdString(m.name));
    type_->setItemData(type_->count() - 1, QString::fromStdString(m.paper), Qt::ToolTipRole);
  }
  if (!models_.empty()) showModelType(QString::fromStdString(models_.front().name), models_.front().defaults());
  updating_ = false;
}

void ModelPanel::showModelType(const QString& name, const models::Config& config) {
  const models::ModelInfo* i = info(name);
  if (!i) return;
  const int index = type_->findData(name);
  if (index >= 0) type_->setCurrentIndex(index);
  paper_->setText(QString::fromStdString(i->paper));
  if (form_->info().name != i->name) {
    form_->setModel(*i, config);
  } else {
    form_->setConfig(config);
  }
}

void ModelPanel::setEntries(const QVector<ModelEntryView>& entries, int current) {
  updating_ = true;
  entries_ = entries;
  entries_combo_->clear();
  for (const ModelEntryView& e : entries_) entries_combo_->addItem(e.label);
  const bool any = !entries_.isEmpty();
  remove_->setEnabled(any);
  label_->setEnabled(any);
  if (any) {
    current = std::clamp(current, 0, static_cast<int>(entries_.size()) - 1);
    entries_combo_->setCurrentIndex(current);
    const ModelEntryView& e = entries_.at(current);
    label_->setText(e.label);
    status_->setText(e.status);
    showModelType(e.modelName, e.config);
  } else {
    label_->clear();
    status_->setText(tr("No model in the session yet: pick a type and press Add, or load a checkpoint."));
  }
  updating_ = false;
}

int ModelPanel::currentEntry() const { return entries_.isEmpty() ? -1 : entries_combo_->currentIndex(); }

QString ModelPanel::selectedModelName() const { return type_->currentData().toString(); }

models::Config ModelPanel::config() const { return form_->config(); }

void ModelPanel::setEditingEnabled(bool enabled) {
  for (QWidget* w :
       std::initializer_list<QWidget*>{entries_combo_, add_, remove_, label_, type_, reset_, loadCheckpoint_, form_}) {
    w->setEnabled(enabled);
  }
  if (enabled) remove_->setEnabled(!entries_.isEmpty());
}

void ModelPanel::showError(const QString& title, const QString& details) { banner_->showError(title, details); }

}  // namespace recdiff::views
