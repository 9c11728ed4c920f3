package io.meridian.taskserver.task;

/** Tenant-scoped tasks on the in-memory queue, the embedded default. */
class InMemoryTenantScopedTasksTests extends TenantScopedTasksContract {
}
