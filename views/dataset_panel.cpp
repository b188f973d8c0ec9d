#include "views/dataset_panel.h"

#include <cstdint>

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "views/dataset_stats_model.h"
#include "views/error_banner.h"
#include "views/histogram_chart.h"

namespace recdiff::views {

namespace {

QSpinBox* spin(QWidget* parent, int lo, int hi, int value, const QString& tip, const QString& name) {
  auto* box = new QSpinBox(parent);
  box->setRange(lo, hi);
  box->setValue(value);
  box->setToolTip(tip);
  box->setObjectName(name);
  box->setAccelerated(true);
  return box;
}

}  // namespace

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("datasetPanel");
  setAcceptDrops(true);
  auto* layout = new QVBoxLayout(this);
  banner_ = new ErrorBanner(this);
  layout->addWidget(banner_);
  layout->addWidget(buildSource());
  layout->addWidget(buildOptions());

  auto* actions = new QHBoxLayout;
  load_ = new QPushButton(tr("Load"), this);
  load_->setObjectName("loadDataset");
  load_->setIcon(style()->standardIcon(QStyle::SP_DialogApplyButton));
  busy_ = new QProgressBar(this);
  busy_->setRange(0, 0);
  busy_->setMaximumWidth(140);
  busy_->setTextVisible(false);
  busy_->hide();
  status_ = new QLabel(tr("No dataset loaded. Choose a file or folder, or drop one here."), this);
  status_->setObjectName("datasetStatus");
  status_->setWordWrap(true);
  actions->addWidget(load_);
  actions->addWidget(busy_);
  actions->addWidget(status_, 1);
  layout->addLayout(actions);
  connect(load_, &QPushButton::clicked, this, [this] {
    if (syntheticSelected()) {
      Q_EMIT generateRequested();
    } else {
      Q_EMIT loadRequested();
    }
  });

  auto* splitter = new QSplitter(Qt::Vertical, this);
  auto* top = new QSplitter(Qt::Horizontal, splitter);
  stats_ = new DatasetStatsModel(this);
  table_ = new QTableView(top);
  table_->setObjectName("datasetStats");
  table_->setModel(stats_);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setAlternatingRowColors(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->verticalHeader()->setDefaultSectionSize(22);
  report_ = new QPlainTextEdit(top);
  report_->setObjectName("datasetReport");
  report_->setReadOnly(true);
  report_->setPlaceholderText(tr("What the readers and preprocessing did appears here."));
  report_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  top->addWidget(table_);
  top->addWidget(report_);
  top->setStretchFactor(0, 1);
  top->setStretchFactor(1, 1);
  auto* charts = new QSplitter(Qt::Horizontal, splitter);
  lengths_ = new HistogramChart(tr("Sequence lengths"), tr("items per sequence"), tr("sequences"), charts);
  lengths_->setObjectName("lengthChart");
  popularity_ = new HistogramChart(tr("Item popularity"), tr("interactions per item"), tr("items"), charts);
  popularity_->setObjectName("popularityChart");
  charts->addWidget(lengths_);
  charts->addWidget(popularity_);
  splitter->addWidget(top);
  splitter->addWidget(charts);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 3);
  layout->addWidget(splitter, 1);
  updateEnabled();
}

QWidget* DatasetPanel::buildSource() {
  auto* box = new QGroupBox(tr("Source"), this);
  auto* grid = new QGridLayout(box);
  fileSource_ = new QRadioButton(tr("File or folder"), box);
  fileSource_->setObjectName("fileSource");
  syntheticSource_ = new QRadioButton(tr("Synthetic (planted interests)"), box);
  syntheticSource_->setObjectName("syntheticSource");
  syntheticSource_->setToolTip(
      tr("Users with 1..K interests that move between them; the planted "
         "structure is known, so a model's interests can be checked."));
  fileSource_->setChecked(true);
  auto* group = new QButtonGroup(box);
  group->addButton(fileSource_);
  group->addButton(syntheticSource_);
  path_ = new QLineEdit(box);
  path_->setObjectName("datasetPath");
  path_->setPlaceholderText(tr("sequences.txt, ratings.csv, ml-100k.inter, a split folder…"));
  path_->setToolTip(tr("A data file or a dataset folder. Drop a file or folder on this panel to load it."));
  path_->setClearButtonEnabled(true);
  browseFile_ = new QPushButton(tr("File…"), box);
  browseFile_->setToolTip(tr("Choose a data file (Ctrl+Shift+O)"));
  browseFolder_ = new QPushButton(tr("Folder…"), box);
  browseFolder_->setToolTip(tr("Choose a dataset folder, e.g. one with train.tsv, val.tsv and test.tsv"));
  grid->addWidget(fileSource_, 0, 0);
  grid->addWidget(path_, 0, 1);
  grid->addWidget(browseFile_, 0, 2);
  grid->addWidget(browseFolder_, 0, 3);
  grid->addWidget(syntheticSource_, 1, 0);
  syntheticOptions_ = new QWidget(box);
  auto* syn = new QGridLayout(syntheticOptions_);  // three rows of two fields: the dock stays narrow
  syn->setContentsMargins(0, 0, 0, 0);
  const data::SyntheticConfig d;
  synUsers_ = spin(syntheticOptions_, 10, 1000000, d.users, tr("Number of users"), "synUsers");
  synItems_ = spin(syntheticOptions_, 10, 1000000, d.items, tr("Number of items"), "synItems");
  synCategories_ =
      spin(syntheticOptions_, 1, 1000, d.categories, tr("Number of item categories (interests)"), "synCategories");
  synInterests_ =
      spin(syntheticOptions_, 1, 100, d.maxInterestsPerUser, tr("Each user has 1..K interests"), "synInterests");
  synMeanLength_ = new QDoubleSpinBox(syntheticOptions_);
  synMeanLength_->setRange(2, 1000);
  synMeanLength_->setDecimals(1);
  synMeanLength_->setValue(d.meanLength);
  synMeanLength_->setToolTip(tr("Mean sequence length"));
  synSeed_ = spin(syntheticOptions_, 0, 2147483647, static_cast<int>(d.seed), tr("Random seed: same seed, same data"),
                  "synSeed");
  const std::pair<QString, QWidget*> fields[] = {{tr("users"), synUsers_},
                                                 {tr("items"), synItems_},
                                                 {tr("categories"), synCategories_},
                                                 {tr("interests ≤"), synInterests_},
                                                 {tr("mean length"), synMeanLength_},
                                                 {tr("seed"), synSeed_}};
  int field = 0;
  for (const auto& [label, w] : fields) {
    auto* l = new QLabel(label, syntheticOptions_);
    l->setBuddy(w);
    syn->addWidget(l, field / 2, 2 * (field % 2));
    syn->addWidget(w, field / 2, 2 * (field % 2) + 1);
    ++field;
  }
  syn->setColumnStretch(4, 1);
  grid->addWidget(syntheticOptions_, 1, 1, 1, 3);
  grid->setColumnStretch(1, 1);
  connect(fileSource_, &QRadioButton::toggled, this, [this] { updateEnabled(); });
  connect(browseFile_, &QPushButton::clicked, this, &DatasetPanel::browseFile);
  connect(browseFolder_, &QPushButton::clicked, this, &DatasetPanel::browseFolder);
  connect(path_, &QLineEdit::returnPressed, this, [this] {
    if (!syntheticSelected()) Q_EMIT loadRequested();
  });
  return box;
}

QWidget* DatasetPanel::buildOptions() {
  auto* box = new QGroupBox(tr("Reading, preprocessing and split"), this);
  fileOptions_ = box;
  auto* grid = new QGridLayout(box);
  format_ = new QComboBox(box);
  format_->setObjectName("datasetFormat");
  format_->addItem(tr("Detect"), static_cast<int>(data::DataFormat::Auto));
  format_->addItem(tr("Sequences (user item item …)"), static_cast<int>(data::DataFormat::Sequences));
  format_->addItem(tr("Interaction log"), static_cast<int>(data::DataFormat::Interactions));
  format_->addItem(tr("Published split folder"), static_cast<int>(data::DataFormat::Split));
  format_->setToolTip(tr("How to read the source; Detect decides from the name and the first lines"));
  split_ = new QComboBox(box);
  split_->setObjectName("datasetSplit");
  split_->addItem(tr("Default"), -1);
  split_->addItem(tr("Leave-one-out"), static_cast<int>(data::SplitKind::LeaveOneOut));
  split_->addItem(tr("User ratio 8:1:1"), static_cast<int>(data::SplitKind::UserRatio));
  split_->addItem(tr("Published"), static_cast<int>(data::SplitKind::Published));
  split_->setToolTip(
      tr("Default: the published split of a split folder, else leave-one-out "
         "(last item = test, second last = validation)"));
  filter_ = new QComboBox(box);
  filter_->setObjectName("datasetFilter");
  filter_->addItem(tr("Logs only"), static_cast<int>(data::FilterMode::Auto));
  filter_->addItem(tr("Always"), static_cast<int>(data::FilterMode::Apply));
  filter_->addItem(tr("Never"), static_cast<int>(data::FilterMode::None));
  filter_->setToolTip(
      tr("When to apply k-core filtering and truncation. Logs only: raw interaction "
         "logs are filtered; sequences.txt and split folders are taken as published."));
  const data::PreprocessOptions d;
  minItemCount_ = spin(box, 0, 1000000, d.minItemCount, tr("Items with fewer interactions are removed (papers: 5)"),
                       "minItemCount");
  minSequenceLength_ = spin(box, 0, 1000000, d.minSequenceLength,
                            tr("Users with fewer interactions are removed (papers: 3)"), "minSequenceLength");
  maxLength_ = spin(box, 0, 1000000, d.maxLength, tr("Keep each user's last N interactions (0 = all)"), "maxLength");
  maxLength_->setSpecialValueText(tr("all"));
  splitSeed_ = spin(box, 0, 2147483647, 42, tr("Seed of the user-ratio split"), "splitSeed");
  dedupe_ = new QCheckBox(tr("Drop duplicate events"), box);
  dedupe_->setChecked(d.dedupe);
  dedupe_->setToolTip(tr("Repeated (user, item, timestamp) events in a log count once"));
  strict_ = new QCheckBox(tr("Stop at the first bad line"), box);
  strict_->setObjectName("strictReading");
  strict_->setToolTip(
      tr("Off: bad lines are skipped and counted in the report. On: the first bad "
         "line is an error naming the file and line."));
  auto addPair = [grid, box](int row, int col, const QString& label, QWidget* w) {
    auto* l = new QLabel(label, box);
    l->setBuddy(w);
    grid->addWidget(l, row, col);
    grid->addWidget(w, row, col + 1);
  };
  // Two fields a row, so that the panel fits a dock of a third of a laptop screen.
  addPair(0, 0, tr("Format"), format_);
  addPair(0, 2, tr("Split"), split_);
  addPair(1, 0, tr("Filter"), filter_);
  addPair(1, 2, tr("Split seed"), splitSeed_);
  addPair(2, 0, tr("Min item count"), minItemCount_);
  addPair(2, 2, tr("Min sequence length"), minSequenceLength_);
  addPair(3, 0, tr("Max length"), maxLength_);
  grid->addWidget(dedupe_, 3, 2, 1, 2);
  grid->addWidget(strict_, 4, 2, 1, 2);
  grid->setColumnStretch(1, 1);
  grid->setColumnStretch(3, 1);
  return box;
}

void DatasetPanel::updateEnabled() {
  const bool file = fileSource_->isChecked();
  path_->setEnabled(file);
  browseFile_->setEnabled(file);
  browseFolder_->setEnabled(file);
  fileOptions_->setEnabled(file);
  syntheticOptions_->setEnabled(!file);
  load_->setText(file ? tr("Load") : tr("Generate"));
  load_->setToolTip(file ? tr("Read, preprocess and split the dataset") : tr("Generate the synthetic dataset"));
}

void DatasetPanel::browseFile() {
  const QString file =
      QFileDialog::getOpenFileName(this, tr("Open a dataset file"), QFileInfo(path_->text()).absolutePath(),
                                   tr("Datasets (*.txt *.csv *.tsv *.dat *.inter *.data);;All files (*)"));
  if (file.isEmpty()) return;
  setPath(file);
  Q_EMIT loadRequested();
}

void DatasetPanel::browseFolder() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a dataset folder"), path_->text());
  if (dir.isEmpty()) return;
  setPath(dir);
  Q_EMIT loadRequested();
}

void DatasetPanel::setPath(const QString& path) {
  path_->setText(path);
  setSyntheticSelected(false);
}

data::DatasetSpec DatasetPanel::spec() const {
  data::DatasetSpec s;
  s.path = path_->text().trimmed().toStdString();
  s.format = static_cast<data::DataFormat>(format_->currentData().toInt());
  s.filter = static_cast<data::FilterMode>(filter_->currentData().toInt());
  s.preprocess.minItemCount = minItemCount_->value();
  s.preprocess.minSequenceLength = minSequenceLength_->value();
  s.preprocess.maxLength = maxLength_->value();
  s.preprocess.dedupe = dedupe_->isChecked();
  const int split = split_->currentData().toInt();
  if (split >= 0) s.split = static_cast<data::SplitKind>(split);
  s.seed = static_cast<std::uint64_t>(splitSeed_->value());
  s.read.strict = strict_->isChecked();
  return s;
}

void DatasetPanel::setSpec(const data::DatasetSpec& s) {
  path_->setText(QString::fromStdString(s.path));
  format_->setCurrentIndex(std::max(0, format_->findData(static_cast<int>(s.format))));
  filter_->setCurrentIndex(std::max(0, filter_->findData(static_cast<int>(s.filter))));
  minItemCount_->setValue(s.preprocess.minItemCount);
  minSequenceLength_->setValue(s.preprocess.minSequenceLength);
  maxLength_->setValue(s.preprocess.maxLength);
  dedupe_->setChecked(s.preprocess.dedupe);
  split_->setCurrentIndex(std::max(0, split_->findData(s.split ? static_cast<int>(*s.split) : -1)));
  splitSeed_->setValue(static_cast<int>(s.seed));
  strict_->setChecked(s.read.strict);
}

data::SyntheticConfig DatasetPanel::syntheticConfig() const {
  data::SyntheticConfig c;
  c.users = synUsers_->value();
  c.items = synItems_->value();
  c.categories = synCategories_->value();
  c.maxInterestsPerUser = synInterests_->value();
  c.meanLength = synMeanLength_->value();
  c.seed = static_cast<std::uint64_t>(synSeed_->value());
  return c;
}

void DatasetPanel::setSyntheticConfig(const data::SyntheticConfig& c) {
  synUsers_->setValue(c.users);
  synItems_->setValue(c.items);
  synCategories_->setValue(c.categories);
  synInterests_->setValue(c.maxInterestsPerUser);
  synMeanLength_->setValue(c.meanLength);
  synSeed_->setValue(static_cast<int>(c.seed));
}

bool DatasetPanel::syntheticSelected() const { return syntheticSource_->isChecked(); }

void DatasetPanel::setSyntheticSelected(bool synthetic) {
  (synthetic ? syntheticSource_ : fileSource_)->setChecked(true);
  updateEnabled();
}

void DatasetPanel::setBusy(bool busy, const QString& what) {
  busy_->setVisible(busy);
  load_->setEnabled(!busy);
  if (!what.isEmpty()) status_->setText(what);
}

void DatasetPanel::showDataset(const QString& name, const QString& split, const data::DatasetStats& stats,
                               const QStringList& reportLines, const QStringList& warnings) {
  banner_->clear();
  if (!warnings.isEmpty()) banner_->showWarning(tr("Loaded with warnings"), warnings.join("\n"));
  stats_->setStats(name, split, stats);
  table_->resizeColumnToContents(0);
  report_->setPlainText(reportLines.join("\n"));
  lengths_->setBins(lengthBins(stats.lengthHistogram));
  popularity_->setBins(popularityBins(stats.popularityHistogram));
  status_->setText(tr("%1: %2 %3, %4 items, %5 interactions")
                       .arg(name)
                       .arg(stats.users)
                       .arg(QString::fromStdString(stats.unit))
                       .arg(stats.items)
                       .arg(stats.interactions));
}

void DatasetPanel::showError(const QString& title, const QString& details) { banner_->showError(title, details); }

void DatasetPanel::clearDataset() {
  stats_->clear();
  report_->clear();
  lengths_->clear();
  popularity_->clear();
  status_->setText(tr("No dataset loaded. Choose a file or folder, or drop one here."));
}

void DatasetPanel::dragEnterEvent(QDragEnterEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.first().isLocalFile()) event->acceptProposedAction();
}

void DatasetPanel::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (urls.isEmpty() || !urls.first().isLocalFile()) return;
  QString path = urls.first().toLocalFile();
  // Several files dropped from one folder (train/val/test.tsv): take the folder.
  if (urls.size() > 1) path = QFileInfo(path).absolutePath();
  setPath(path);
  event->acceptProposedAction();
  Q_EMIT loadRequested();
}

}  // namespace recdiff::views
