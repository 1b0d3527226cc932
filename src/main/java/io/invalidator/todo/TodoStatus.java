package io.invalidator.todo;

public enum TodoStatus {
    OPEN,
    COMPLETED
}
