package io.invalidator.jobs;

import io.invalidator.notification.NotificationService;
import jakarta.inject.Singleton;

@Singleton
class NotifyAssigneeHandler implements JobHandler<NotifyAssignee> {

    private final NotificationService notifications;

    NotifyAssigneeHandler(NotificationService notifications) {
        this.notifications = notifications;
    }

    @Override
    public Class<NotifyAssignee> type() {
        return NotifyAssignee.class;
    }

    @Override
    public String kind() {
        return "notify-assignee";
    }

    @Override
    public void run(NotifyAssignee job, JobContext context) {
        notifications.notifyAssigned(context.id(), job.userId(), job.todoId());
    }
}
