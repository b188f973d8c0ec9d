// The first screen: start the built-in demo, open a dataset or a session,
// the classroom session, the recent sessions, and (after a crash) the offer
// to restore the autosaved copy.
#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace recdiff::views {

class StartPage : public QWidget {
  Q_OBJECT

 public:
  explicit StartPage(QWidget* parent = nullptr);

  void setRecentSessions(const QStringList& paths);
  // Shows the "restore the unsaved session?" strip; empty `savedAt` hides it.
  void setRecoveryOffer(const QString& description);

 Q_SIGNALS:
  void demoRequested();
  void classroomRequested();
  void openDatasetRequested();
  void openSessionRequested();
  void recentSessionRequested(const QString& path);
  void restoreRecoveryRequested();
  void discardRecoveryRequested();

 private:
  QPushButton* bigButton(const QString& objectName, const QIcon& icon, const QString& title, const QString& subtitle);

  QWidget* recovery_;
  QLabel* recoveryText_;
  QListWidget* recent_;
  QLabel* recentEmpty_;
};

}  // namespace recdiff::views
