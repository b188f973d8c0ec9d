#include "views/start_page.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace recdiff::views {

StartPage::StartPage(QWidget* parent) : QWidget(parent) {
  setObjectName("startPage");
  auto* outer = new QHBoxLayout(this);
  outer->addStretch(1);
  auto* column = new QVBoxLayout;
  column->setSpacing(12);
  outer->addLayout(column, 3);
  outer->addStretch(1);

  column->addStretch(1);
  auto* head = new QHBoxLayout;
  auto* logo = new QLabel(this);
  logo->setPixmap(QIcon(":/icons/recdiff-studio.svg").pixmap(72, 72));
  auto* titles = new QVBoxLayout;
  auto* title = new QLabel(tr("RecDiff Studio"), this);
  title->setObjectName("startTitle");
  QFont f = title->font();
  f.setPointSizeF(f.pointSizeF() * 2.0);
  f.setBold(true);
  title->setFont(f);
  auto* subtitle = new QLabel(tr("A workbench for diffusion-based sequential recommendation: load a dataset, "
                                 "train or load a model, and compare the results."),
                              this);
  subtitle->setWordWrap(true);
  titles->addWidget(title);
  titles->addWidget(subtitle);
  head->addWidget(logo, 0, Qt::AlignTop);
  head->addLayout(titles, 1);
  column->addLayout(head);

  recovery_ = new QWidget(this);
  recovery_->setObjectName("recoveryOffer");
  auto* recoveryLayout = new QHBoxLayout(recovery_);
  recoveryLayout->setContentsMargins(8, 6, 8, 6);
  recoveryText_ = new QLabel(recovery_);
  recoveryText_->setWordWrap(true);
  auto* restore = new QPushButton(tr("Restore"), recovery_);
  restore->setObjectName("restoreRecovery");
  auto* discard = new QPushButton(tr("Discard"), recovery_);
  discard->setObjectName("discardRecovery");
  recoveryLayout->addWidget(recoveryText_, 1);
  recoveryLayout->addWidget(restore);
  recoveryLayout->addWidget(discard);
  recovery_->setAutoFillBackground(true);
  QPalette p = recovery_->palette();
  p.setColor(QPalette::Window, QColor(0xdd, 0xeb, 0xf7));
  recovery_->setPalette(p);
  recovery_->hide();
  column->addWidget(recovery_);
  connect(restore, &QPushButton::clicked, this, &StartPage::restoreRecoveryRequested);
  connect(discard, &QPushButton::clicked, this, &StartPage::discardRecoveryRequested);

  auto* buttons = new QVBoxLayout;
  buttons->setSpacing(8);
  QPushButton* demo = bigButton("startDemo", style()->standardIcon(QStyle::SP_MediaPlay), tr("Start the demo"),
                                tr("Synthetic users with planted interests and a small ADIGRec: "
                                   "trains in under a minute on a laptop CPU, then shows the results."));
  demo->setDefault(true);
  QPushButton* classroom =
      bigButton("openClassroom", style()->standardIcon(QStyle::SP_FileDialogInfoView), tr("Classroom session"),
                tr("The same synthetic data and model, ready to train step by step."));
  QPushButton* dataset = bigButton("openDataset", style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Open a dataset…"),
                                   tr("sequences.txt, an interaction log (.csv, .inter, u.data…), or a "
                                      "folder with train/val/test.tsv. You can also drop it on the window."));
  QPushButton* session =
      bigButton("openSession", style()->standardIcon(QStyle::SP_DialogOpenButton), tr("Open a session…"),
                tr("A saved session: dataset, models, checkpoints and results."));
  for (QPushButton* b : {demo, classroom, dataset, session}) buttons->addWidget(b);
  column->addLayout(buttons);
  connect(demo, &QPushButton::clicked, this, &StartPage::demoRequested);
  connect(classroom, &QPushButton::clicked, this, &StartPage::classroomRequested);
  connect(dataset, &QPushButton::clicked, this, &StartPage::openDatasetRequested);
  connect(session, &QPushButton::clicked, this, &StartPage::openSessionRequested);

  auto* recentTitle = new QLabel(tr("<b>Recent sessions</b>"), this);
  column->addWidget(recentTitle);
  recent_ = new QListWidget(this);
  recent_->setObjectName("recentSessions");
  recent_->setMaximumHeight(150);
  recent_->setToolTip(tr("Double-click to open"));
  recentEmpty_ = new QLabel(tr("No recent sessions yet. Sessions you save appear here."), this);
  recentEmpty_->setStyleSheet("color: #5f6368;");
  column->addWidget(recent_);
  column->addWidget(recentEmpty_);
  column->addStretch(2);
  connect(recent_, &QListWidget::itemActivated, this,
          [this](QListWidgetItem* item) { Q_EMIT recentSessionRequested(item->data(Qt::UserRole).toString()); });
  setRecentSessions({});
}

QPushButton* StartPage::bigButton(const QString& objectName, const QIcon& icon, const QString& title,
                                  const QString& subtitle) {
  auto* button = new QPushButton(this);
  button->setObjectName(objectName);
  button->setProperty("startAction", true);
  button->setToolTip(subtitle);
  auto* layout = new QHBoxLayout(button);
  layout->setContentsMargins(12, 8, 12, 8);
  auto* iconLabel = new QLabel(button);
  iconLabel->setPixmap(icon.pixmap(32, 32));
  iconLabel->setAttribute(Qt::WA_TransparentForMouseEvents);
  auto* text = new QLabel(
      "<b>" + title.toHtmlEscaped() + "</b><br><span style='color:#4a4f55'>" + subtitle.toHtmlEscaped() + "</span>",
      button);
  text->setWordWrap(true);
  text->setAttribute(Qt::WA_TransparentForMouseEvents);
  layout->addWidget(iconLabel);
  layout->addWidget(text, 1);
  button->setMinimumHeight(64);
  button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  return button;
}

void StartPage::setRecentSessions(const QStringList& paths) {
  recent_->clear();
  for (const QString& path : paths) {
    auto* item = new QListWidgetItem(QFileInfo(path).fileName() + "  —  " + QFileInfo(path).absolutePath());
    item->setData(Qt::UserRole, path);
    item->setToolTip(path);
    recent_->addItem(item);
  }
  recent_->setVisible(!paths.isEmpty());
  recentEmpty_->setVisible(paths.isEmpty());
}

void StartPage::setRecoveryOffer(const QString& description) {
  recoveryText_->setText(description);
  recovery_->setVisible(!description.isEmpty());
}

}  // namespace recdiff::views
