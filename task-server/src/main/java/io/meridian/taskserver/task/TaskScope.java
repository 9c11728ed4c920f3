package io.meridian.taskserver.task;

import io.meridian.taskserver.admin.AdminToken;
import io.meridian.taskserver.web.TenantHeaders;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * Whose tasks a request may see, read, cancel and follow: its tenant's, or every tenant's with the
 * admin token. A task outside the scope is answered exactly as a task that does not exist ({@code
 * 404 task_not_found}, the same message), so that one tenant cannot learn whether an id it guessed
 * or saw belongs to another.
 *
 * <p>Security note: the tenant comes from {@value TenantHeaders#TENANT}, which a task server
 * believes because only the gateway reaches it (see {@link TenantHeaders}); the admin token is
 * checked against its configured hash ({@link AdminToken}). The gateway never forwards a client's
 * {@code Authorization} header to a region, so only a caller of the task server itself (an
 * operator, the gateway's dashboard on an operator's behalf) can present the admin token.
 */
public final class TaskScope {

    private static final TaskScope ALL = new TaskScope(null);

    private final @Nullable String tenant;

    private TaskScope(@Nullable String tenant) {
        this.tenant = tenant;
    }

    /**
     * Every tenant's tasks: the admin token's scope.
     *
     * @return the scope
     */
    public static TaskScope all() {
        return ALL;
    }

    /**
     * One tenant's tasks.
     *
     * @param tenant the tenant
     * @return the scope
     */
    public static TaskScope tenant(String tenant) {
        return new TaskScope(tenant);
    }

    /**
     * The scope of a request: all tasks if it carries the admin token, else its tenant's (the
     * anonymous tenant's without {@value TenantHeaders#TENANT}).
     *
     * @param headers the request's headers
     * @param admin   the admin token's check
     * @return the scope
     * @throws io.meridian.taskserver.web.InvalidRequestException if the tenant header is malformed
     */
    public static TaskScope of(HttpHeaders headers, AdminToken admin) {
        if (admin.accepts(headers.getFirst(HttpHeaders.AUTHORIZATION))) {
            return ALL;
        }
        return tenant(TenantHeaders.tenant(headers.getFirst(TenantHeaders.TENANT)));
    }

    /**
     * Whether a task is in this scope.
     *
     * @param task the task
     * @return {@code true} for every task in the admin scope, else for the tenant's own
     */
    public boolean sees(Task task) {
        return tenant == null || tenant.equals(task.tenant());
    }

    @Override
    public String toString() {
        return tenant == null ? "all tenants" : "tenant '" + tenant + "'";
    }
}
