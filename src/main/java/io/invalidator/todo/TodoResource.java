package io.invalidator.todo;

import io.invalidator.web.PlainText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.util.List;

@Path("/api/todos")
@Produces(MediaType.APPLICATION_JSON)
public class TodoResource {

    public record CreateTodo(@NotNull @PlainText @Size(max = 200) String title, @Positive Long assigneeId) {
    }

    public record UpdateTodo(@PlainText @Size(max = 200) String title, TodoStatus status) {
        /** An empty patch is a mistake rather than a no-op; reported as the field {@code body}. */
        @AssertTrue(message = "must set title or status")
        boolean isBody() {
            return title != null || status != null;
        }
    }

    public record Assign(@NotNull @Positive Long userId) {
    }

    public record TodoView(long id, String title, TodoStatus status, Long assigneeId, long version, Instant updatedAt) {
        static TodoView from(Todo todo) {
            return new TodoView(todo.id, todo.title, todo.status, todo.assigneeId, todo.version, todo.updatedAt);
        }
    }

    private final TodoService todos;

    TodoResource(TodoService todos) {
        this.todos = todos;
    }

    @GET
    public List<TodoView> list(@RestQuery @Pattern(regexp = "OPEN|COMPLETED", message = "must be OPEN or COMPLETED")
            String status, @RestQuery @Positive Long assigneeId) {
        return Todo.list(status == null ? null : TodoStatus.valueOf(status), assigneeId).stream()
                .map(TodoView::from).toList();
    }

    @GET
    @Path("/{id}")
    public RestResponse<TodoView> get(@RestPath @Positive long id) {
        return withTag(RestResponse.ResponseBuilder.ok(), todos.get(id));
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    public RestResponse<TodoView> create(@NotNull @Valid CreateTodo body, UriInfo uri) {
        Todo todo = todos.create(body.title(), body.assigneeId());
        var location = uri.getAbsolutePathBuilder().path(String.valueOf(todo.id)).build();
        return withTag(RestResponse.ResponseBuilder.created(location), todo);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PATCH
    @Path("/{id}")
    public RestResponse<TodoView> update(@RestPath @Positive long id, @NotNull @Valid UpdateTodo body,
            @RestHeader(HttpHeaders.IF_MATCH) String ifMatch) {
        return withTag(RestResponse.ResponseBuilder.ok(),
                todos.update(id, body.title(), body.status(), version(ifMatch)));
    }

    @POST
    @Path("/{id}/complete")
    public RestResponse<TodoView> complete(@RestPath @Positive long id) {
        return withTag(RestResponse.ResponseBuilder.ok(), todos.complete(id));
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PUT
    @Path("/{id}/assignee")
    public RestResponse<TodoView> assign(@RestPath @Positive long id, @NotNull @Valid Assign body,
            @RestHeader(HttpHeaders.IF_MATCH) String ifMatch) {
        return withTag(RestResponse.ResponseBuilder.ok(), todos.assign(id, body.userId(), version(ifMatch)));
    }

    @DELETE
    @Path("/{id}")
    public void delete(@RestPath @Positive long id) {
        todos.delete(id);
    }

    private static RestResponse<TodoView> withTag(RestResponse.ResponseBuilder<TodoView> builder, Todo todo) {
        return builder.entity(TodoView.from(todo)).tag(new EntityTag(String.valueOf(todo.version))).build();
    }

    /** {@code If-Match: "3"} (the ETag of a read) or a bare {@code 3}; {@code *} or none means any version. */
    private static Long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return null;
        }
        String value = ifMatch.strip().replaceFirst("^W/", "").replace("\"", "");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequestException("If-Match must be a version ETag such as \"3\"");
        }
    }
}
