#include "views/param_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace recdiff::views {

namespace {

// A double spin box that shows 0.005 as "0.005", not "0.01" or "0.005000".
class RealSpinBox : public QDoubleSpinBox {
 public:
  explicit RealSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
    setDecimals(12);
    setRange(-1e12, 1e12);
    setKeyboardTracking(false);
  }
  QString textFromValue(double value) const override { return QString::number(value, 'g', 8); }
  double valueFromText(const QString& text) const override { return text.trimmed().toDouble(); }
  QValidator::State validate(QString& text, int&) const override {
    const QString t = text.trimmed();
    if (t.isEmpty() || t == "-" || t == "." || t.endsWith('e') || t.endsWith("e-")) {
      return QValidator::Intermediate;
    }
    bool ok = false;
    t.toDouble(&ok);
    return ok ? QValidator::Acceptable : QValidator::Invalid;
  }
  void stepBy(int steps) override {
    // Steps of a tenth of the value's order of magnitude.
    const double v = value();
    const double magnitude = v == 0.0 ? 0.1 : std::pow(10.0, std::floor(std::log10(std::abs(v))) - 1);
    setValue(v + steps * magnitude);
  }
};

QSet<QString> trainingKeys() {
  QSet<QString> keys;
  for (const auto& p : models::trainingParams({})) keys.insert(QString::fromStdString(p.key));
  return keys;
}

}  // namespace

ParamForm::ParamForm(QWidget* parent) : QWidget(parent) {
  layout_ = new QVBoxLayout(this);
  layout_->setContentsMargins(0, 0, 0, 0);
}

void ParamForm::setModel(const models::ModelInfo& info, const models::Config& config) {
  info_ = info;
  editors_.clear();
  labels_.clear();
  order_.clear();
  delete content_;
  content_ = new QWidget(this);
  auto* contentLayout = new QVBoxLayout(content_);
  contentLayout->setContentsMargins(0, 0, 0, 0);
  const QSet<QString> training = trainingKeys();
  auto* modelBox = new QGroupBox(tr("%1 parameters").arg(QString::fromStdString(info.displayName)), content_);
  auto* trainBox = new QGroupBox(tr("Training parameters"), content_);
  auto* modelGrid = new QGridLayout(modelBox);
  auto* trainGrid = new QGridLayout(trainBox);
  for (QGridLayout* grid : {modelGrid, trainGrid}) {
    grid->setColumnStretch(1, 1);
    grid->setHorizontalSpacing(10);
    auto* head = new QLabel(tr("<i>paper</i>"), grid->parentWidget());
    head->setToolTip(tr("The value the model's paper used"));
    grid->addWidget(head, 0, 2);
  }
  for (const models::ParamSpec& spec : info.params) {
    const QString key = QString::fromStdString(spec.key);
    QGridLayout* grid = training.contains(key) ? trainGrid : modelGrid;
    const int row = grid->rowCount();
    auto* label = new QLabel(key, grid->parentWidget());
    const QString tip =
        QString::fromStdString(spec.description) +
        (spec.paperValue.empty() ? QString() : tr("\nPaper: %1").arg(QString::fromStdString(spec.paperValue))) +
        tr("\nDefault: %1").arg(QString::fromStdString(spec.defaultValue.dump())) +
        (spec.defaultValue.is_number()
             ? tr("\nRange: %1").arg(QString::fromStdString(spec.range.text(spec.isInteger())))
             : QString());
    label->setToolTip(tip);
    QWidget* editor = makeEditor(spec);
    editor->setParent(grid->parentWidget());
    editor->setToolTip(tip);
    editor->setObjectName("param_" + key);
    label->setBuddy(editor);
    auto* paper = new QLabel(QString::fromStdString(spec.paperValue), grid->parentWidget());
    paper->setObjectName("paper_" + key);
    paper->setStyleSheet("color: #5f6368;");
    paper->setToolTip(tr("The value the model's paper used"));
    paper->setWordWrap(true);
    paper->setMaximumWidth(200);
    grid->addWidget(label, row, 0);
    grid->addWidget(editor, row, 1);
    grid->addWidget(paper, row, 2);
    editors_.insert(key, editor);
    labels_.insert(key, label);
    order_ << key;
  }
  contentLayout->addWidget(modelBox);
  contentLayout->addWidget(trainBox);
  contentLayout->addStretch(1);
  layout_->addWidget(content_);
  setConfig(config);
}

QWidget* ParamForm::makeEditor(const models::ParamSpec& spec) {
  const nlohmann::json& d = spec.defaultValue;
  if (d.is_boolean()) {
    auto* box = new QCheckBox;
    connect(box, &QCheckBox::toggled, this, &ParamForm::edited);
    return box;
  }
  // The limits are the declared range (model_config.h), so the form cannot
  // produce a value the core would refuse.
  if (d.is_number_integer()) {
    auto* box = new QSpinBox;
    const auto limit = [](double v) {
      return static_cast<int>(
          std::clamp(v, double(std::numeric_limits<int>::min()), double(std::numeric_limits<int>::max())));
    };
    box->setRange(limit(spec.range.min), limit(spec.range.max));
    box->setKeyboardTracking(false);
    box->setAccelerated(true);
    connect(box, &QSpinBox::valueChanged, this, &ParamForm::edited);
    return box;
  }
  if (d.is_number()) {
    auto* box = new RealSpinBox(nullptr);
    // An open lower end (lr > 0): the smallest step the box shows above it.
    const double step = std::pow(10.0, -box->decimals());
    box->setRange(std::max(-1e12, spec.range.minExclusive ? spec.range.min + step : spec.range.min),
                  std::min(1e12, spec.range.max));
    connect(box, &QDoubleSpinBox::valueChanged, this, &ParamForm::edited);
    return box;
  }
  if (!spec.choices.empty()) {
    auto* box = new QComboBox;
    for (const std::string& c : spec.choices) box->addItem(QString::fromStdString(c));
    connect(box, &QComboBox::currentIndexChanged, this, &ParamForm::edited);
    return box;
  }
  auto* edit = new QLineEdit;
  connect(edit, &QLineEdit::editingFinished, this, &ParamForm::edited);
  return edit;
}

void ParamForm::setEditorValue(const models::ParamSpec& spec, const nlohmann::json& v) {
  QWidget* w = editors_.value(QString::fromStdString(spec.key));
  if (auto* box = qobject_cast<QCheckBox*>(w)) {
    box->setChecked(v.is_boolean() ? v.get<bool>() : spec.defaultValue.get<bool>());
  } else if (auto* spin = qobject_cast<QSpinBox*>(w)) {
    spin->setValue(v.is_number() ? static_cast<int>(v.get<double>()) : spec.defaultValue.get<int>());
  } else if (auto* real = qobject_cast<QDoubleSpinBox*>(w)) {
    real->setValue(v.is_number() ? v.get<double>() : spec.defaultValue.get<double>());
  } else if (auto* combo = qobject_cast<QComboBox*>(w)) {
    const QString text =
        QString::fromStdString(v.is_string() ? v.get<std::string>() : spec.defaultValue.get<std::string>());
    combo->setCurrentIndex(std::max(0, combo->findText(text)));
  } else if (auto* edit = qobject_cast<QLineEdit*>(w)) {
    edit->setText(QString::fromStdString(v.is_string() ? v.get<std::string>() : spec.defaultValue.get<std::string>()));
  }
}

nlohmann::json ParamForm::editorValue(const models::ParamSpec& spec) const {
  QWidget* w = editors_.value(QString::fromStdString(spec.key));
  if (auto* box = qobject_cast<QCheckBox*>(w)) return box->isChecked();
  if (auto* spin = qobject_cast<QSpinBox*>(w)) return static_cast<std::int64_t>(spin->value());
  if (auto* real = qobject_cast<QDoubleSpinBox*>(w)) return real->value();
  if (auto* combo = qobject_cast<QComboBox*>(w)) return combo->currentText().toStdString();
  if (auto* edit = qobject_cast<QLineEdit*>(w)) return edit->text().toStdString();
  return spec.defaultValue;
}

void ParamForm::setConfig(const models::Config& config) {
  updating_ = true;
  for (const models::ParamSpec& spec : info_.params) {
    const auto it = config.is_object() ? config.find(spec.key) : config.end();
    setEditorValue(spec, it != config.end() ? *it : spec.defaultValue);
  }
  updating_ = false;
  refreshMarks();
}

models::Config ParamForm::config() const {
  models::Config c = models::Config::object();
  for (const models::ParamSpec& spec : info_.params) c[spec.key] = editorValue(spec);
  return c;
}

models::Config ParamForm::changedFromDefaults() const {
  models::Config c = models::Config::object();
  for (const models::ParamSpec& spec : info_.params) {
    const nlohmann::json v = editorValue(spec);
    if (v != spec.defaultValue) c[spec.key] = v;
  }
  return c;
}

void ParamForm::resetToDefaults() {
  setConfig(info_.defaults());
  Q_EMIT configChanged();
}

void ParamForm::refreshMarks() {
  for (const models::ParamSpec& spec : info_.params) {
    QLabel* label = labels_.value(QString::fromStdString(spec.key));
    if (!label) continue;
    const bool changed = editorValue(spec) != spec.defaultValue;
    QFont f = label->font();
    f.setBold(changed);
    label->setFont(f);
  }
}

void ParamForm::edited() {
  if (updating_) return;
  refreshMarks();
  Q_EMIT configChanged();
}

}  // namespace recdiff::views
