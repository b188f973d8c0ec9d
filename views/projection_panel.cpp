#include "views/projection_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTextStream>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "views/atomic_save.h"
#include "views/chart_style.h"
#include "views/error_banner.h"

namespace recdiff::views {

namespace {

// Viridis anchors for the popularity colouring (dark = rare, yellow = popular).
const QColor kPopularity[] = {QColor(0x44, 0x01, 0x54), QColor(0x3b, 0x52, 0x8b), QColor(0x21, 0x91, 0x8c),
                              QColor(0x5e, 0xc9, 0x62), QColor(0xfd, 0xe7, 0x25)};
constexpr int kPopularityBins = 5;

// Okabe & Ito first (as every chart here), then Tol's muted colours, so
// that up to 12 categories get distinct colour-blind-safe hues.
QColor categoryColor(int i) {
  static const QColor extra[] = {QColor(0x33, 0x22, 0x88), QColor(0x88, 0x22, 0x55), QColor(0x44, 0xaa, 0x99),
                                 QColor(0x99, 0x99, 0x33), QColor(0xaa, 0x44, 0x99)};
  return i < 7 ? seriesColor(i) : extra[(i - 7) % 5];
}

QString csvField(QString s) {
  if (s.contains(',') || s.contains('"') || s.contains('\n')) s = '"' + s.replace("\"", "\"\"") + '"';
  return s;
}

}  // namespace

ProjectionPanel::ProjectionPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  banner_ = new ErrorBanner(this);
  layout->addWidget(banner_);
  auto* controls = new QHBoxLayout;
  method_ = new QComboBox(this);
  method_->addItem(tr("PCA"), "pca");
  method_->addItem(tr("t-SNE (Barnes–Hut)"), "tsne");
  method_->addItem(tr("UMAP"), "umap");
  method_->setToolTip(tr("PCA is instant and linear; t-SNE and UMAP keep neighbourhoods and take seconds"));
  perplexity_ = new QDoubleSpinBox(this);
  perplexity_->setRange(2, 200);
  perplexity_->setValue(30);
  perplexity_->setToolTip(tr("t-SNE perplexity: the effective number of neighbours"));
  neighbours_ = new QSpinBox(this);
  neighbours_->setRange(2, 200);
  neighbours_->setValue(15);
  neighbours_->setToolTip(tr("UMAP neighbours"));
  seed_ = new QSpinBox(this);
  seed_->setRange(0, 1000000);
  seed_->setValue(1);
  seed_->setToolTip(tr("Same seed, same map"));
  normalise_ = new QCheckBox(tr("Cosine"), this);
  normalise_->setChecked(true);
  normalise_->setToolTip(tr("Map unit-length embeddings (the geometry of dot-product scoring on the sphere)"));
  colourBy_ = new QComboBox(this);
  colourBy_->addItem(tr("Colour: category"));
  colourBy_->addItem(tr("Colour: popularity"));
  compute_ = new QPushButton(tr("Compute"), this);
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setEnabled(false);
  // Two rows (the layout's settings, then what is shown and the actions),
  // so that the panel fits half a laptop screen.
  controls->addWidget(method_);
  controls->addWidget(new QLabel(tr("Perplexity:"), this));
  controls->addWidget(perplexity_);
  controls->addWidget(new QLabel(tr("Neighbours:"), this));
  controls->addWidget(neighbours_);
  controls->addWidget(new QLabel(tr("Seed:"), this));
  controls->addWidget(seed_);
  controls->addStretch(1);
  layout->addLayout(controls);
  auto* actions = new QHBoxLayout;
  actions->addWidget(normalise_);
  actions->addWidget(colourBy_);
  actions->addStretch(1);
  actions->addWidget(compute_);
  actions->addWidget(cancel_);
  layout->addLayout(actions);
  auto* statusRow = new QHBoxLayout;
  progress_ = new QProgressBar(this);
  progress_->setMaximumWidth(180);
  progress_->setVisible(false);
  status_ = new QLabel(tr("Wheel: zoom · drag: pan · Shift+drag: select · double-click: reset"), this);
  statusRow->addWidget(progress_);
  statusRow->addWidget(status_, 1);
  layout->addLayout(statusRow);
  legend_ = new QLabel(this);
  legend_->setWordWrap(true);
  legend_->setTextFormat(Qt::RichText);
  layout->addWidget(legend_);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  map_ = new ProjectionMap(splitter);
  auto* side = new QWidget(splitter);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  sideLayout->addWidget(new QLabel(tr("Selection and nearest neighbours"), side));
  selected_ = new QListWidget(side);
  sideLayout->addWidget(selected_, 1);
  auto* exportButton = new QPushButton(tr("Export selection…"), side);
  auto* exportMap = new QPushButton(tr("Save map as PNG…"), side);
  sideLayout->addWidget(exportButton);
  sideLayout->addWidget(exportMap);
  splitter->addWidget(map_);
  splitter->addWidget(side);
  splitter->setStretchFactor(0, 4);
  splitter->setStretchFactor(1, 1);
  layout->addWidget(splitter, 1);

  auto updateEnabled = [this] {
    const QString m = method_->currentData().toString();
    perplexity_->setEnabled(m == "tsne");
    neighbours_->setEnabled(m == "umap");
  };
  connect(method_, qOverload<int>(&QComboBox::currentIndexChanged), this, updateEnabled);
  updateEnabled();
  connect(colourBy_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ProjectionPanel::recolour);
  connect(compute_, &QPushButton::clicked, this, [this] { Q_EMIT computeRequested(settings()); });
  connect(cancel_, &QPushButton::clicked, this, &ProjectionPanel::cancelRequested);
  connect(map_, &ProjectionMap::selectionChanged, this, &ProjectionPanel::showSelection);
  connect(map_, &ProjectionMap::hovered, this, [this](int item) {
    if (item >= 0 && item < labels_.size()) status_->setText(labels_[item]);
  });
  connect(exportButton, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export selection"), QString(), tr("CSV (*.csv)"));
    QString error;
    if (!path.isEmpty() && !exportSelection(path, &error)) banner_->showError(tr("Export failed"), error);
  });
  connect(exportMap, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save map"), QString(), tr("PNG (*.png)"));
    QString error;
    if (!path.isEmpty() && !saveAtomically(
                               path, [this](QIODevice& device) { return map_->grab().save(&device, "PNG"); }, &error)) {
      banner_->showError(tr("Export failed"), error);
    }
  });
}

ProjectionSettings ProjectionPanel::settings() const {
  ProjectionSettings s;
  s.method = method_->currentData().toString();
  s.perplexity = perplexity_->value();
  s.neighbours = neighbours_->value();
  s.seed = static_cast<quint64>(seed_->value());
  s.normalise = normalise_->isChecked();
  return s;
}

void ProjectionPanel::setSettings(const ProjectionSettings& s) {
  const int m = method_->findData(s.method);
  if (m >= 0) method_->setCurrentIndex(m);
  perplexity_->setValue(s.perplexity);
  neighbours_->setValue(s.neighbours);
  seed_->setValue(static_cast<int>(s.seed));
  normalise_->setChecked(s.normalise);
}

void ProjectionPanel::setItems(const QStringList& labels, const QVector<int>& category,
                               const QStringList& categoryNames, const QVector<int>& popularity) {
  labels_ = labels;
  category_ = category;
  categoryNames_ = categoryNames;
  popularity_ = popularity;
  if (categoryNames.isEmpty()) colourBy_->setCurrentIndex(1);  // nothing else to colour by
  colourBy_->setEnabled(!categoryNames.isEmpty());
  recolour();
}

void ProjectionPanel::setNeighbourFinder(std::function<QVector<int>(int, int)> finder) {
  neighbours_of_ = std::move(finder);
}

bool ProjectionPanel::colourByCategory() const { return colourBy_->currentIndex() == 0 && !categoryNames_.isEmpty(); }

void ProjectionPanel::recolour() {
  QVector<int> index(catalog_.size(), -1);
  QVector<QColor> colors;
  QStringList legend;
  if (colourByCategory()) {
    for (int c = 0; c < categoryNames_.size(); ++c) colors << categoryColor(c);
    for (int i = 0; i < index.size() && i < category_.size(); ++i) index[i] = category_[i];
    const int shown = std::min<int>(categoryNames_.size(), 12);
    for (int c = 0; c < shown; ++c) {
      legend << QStringLiteral("<span style='color:%1'>●</span> %2")
                    .arg(colors[c].name(), categoryNames_[c].toHtmlEscaped());
    }
    if (categoryNames_.size() > shown) legend << tr("… %1 more (colours repeat)").arg(categoryNames_.size() - shown);
  } else {
    // Bins of log popularity, equally wide between the least and most popular.
    int most = 1;
    for (int p : popularity_) most = std::max(most, p);
    for (int b = 0; b < kPopularityBins; ++b) colors << kPopularity[b];
    for (int i = 0; i < index.size() && i < popularity_.size(); ++i) {
      const double f = std::log1p(popularity_[i]) / std::log1p(most);
      index[i] = std::min(kPopularityBins - 1, static_cast<int>(f * kPopularityBins));
    }
    legend << tr(
        "popularity: <span style='color:#440154'>●</span> rare … <span style='color:#fde725'>●</span> "
        "popular (log scale)");
  }
  legend << tr(
      "<span style='color:#333333'>—</span> catalogue density, <span style='color:#d55e00'>—</span> "
      "generated density (50 %, 90 % of the mass), <span style='color:#e69f00'>◆</span> scrubbed runs");
  legend_->setText(legend.join(" &nbsp; "));
  map_->setCatalog(catalog_, index, labels_, colors);
}

void ProjectionPanel::setLayout2d(const QVector<QPointF>& catalog) {
  catalog_ = catalog;
  recolour();
}

void ProjectionPanel::setResult(const QVector<QPointF>& catalog, const QVector<QPointF>& generated,
                                const QVector<ProjectionMap::Contour>& contours, const QString& message) {
  setBusy(false);
  banner_->clear();
  setLayout2d(catalog);
  map_->setContours(contours);
  Q_UNUSED(generated);  // shown as its density; individual points would hide the catalogue
  status_->setText(message);
}

void ProjectionPanel::setTrajectory(const QVector<QPointF>& path, int current) { map_->setTrajectory(path, current); }
void ProjectionPanel::setRunEnds(const QVector<QPointF>& points) { map_->setGenerated(points); }

void ProjectionPanel::setBusy(bool busy, const QString& what, int percent) {
  compute_->setEnabled(!busy);
  cancel_->setEnabled(busy);
  progress_->setVisible(busy);
  progress_->setRange(0, percent < 0 ? 0 : 100);
  if (percent >= 0) progress_->setValue(percent);
  if (!what.isEmpty()) status_->setText(what);
}

void ProjectionPanel::showError(const QString& title, const QString& details) { banner_->showError(title, details); }

void ProjectionPanel::clearMap(const QString& why) {
  catalog_.clear();
  map_->clearAll(why);
  selected_->clear();
}

void ProjectionPanel::showSelection() {
  selected_->clear();
  const QVector<int> items = map_->selection();
  for (int i : items) selected_->addItem(i < labels_.size() ? labels_[i] : QString::number(i + 1));
  if (items.size() == 1 && neighbours_of_) {
    selected_->addItem(tr("— nearest in the embedding space —"));
    for (int n : neighbours_of_(items.front(), 10))
      selected_->addItem(n < labels_.size() ? labels_[n] : QString::number(n + 1));
  }
  status_->setText(tr("%1 items selected").arg(items.size()));
}

bool ProjectionPanel::exportSelection(const QString& path, QString* error) const {
  return saveAtomically(
      path,
      [this](QIODevice& device) {
        QTextStream out(&device);
        out << "item_index,label,category,popularity\n";
        for (int i : map_->selection()) {
          const int c = i < category_.size() ? category_[i] : -1;
          out << i + 1 << ',' << csvField(i < labels_.size() ? labels_[i] : QString()) << ','
              << csvField(c >= 0 && c < categoryNames_.size() ? categoryNames_[c] : QString()) << ','
              << (i < popularity_.size() ? popularity_[i] : 0) << '\n';
        }
        out.flush();
        return out.status() == QTextStream::Ok;
      },
      error);
}

}  // namespace recdiff::views
