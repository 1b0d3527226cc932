package io.invalidator.user;

import io.invalidator.web.PlainText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.util.List;

@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    public record CreateUser(@NotNull @PlainText @Size(max = 100) String name) {
    }

    public record UserView(long id, String name, Instant createdAt) {
        static UserView from(User user) {
            return new UserView(user.id, user.name, user.createdAt);
        }
    }

    private final UserService users;

    UserResource(UserService users) {
        this.users = users;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    public RestResponse<UserView> create(@NotNull @Valid CreateUser body, UriInfo uri) {
        User user = users.create(body.name());
        return RestResponse.ResponseBuilder.<UserView>create(RestResponse.Status.CREATED)
                .location(uri.getAbsolutePathBuilder().path(String.valueOf(user.id)).build())
                .entity(UserView.from(user))
                .build();
    }

    @GET
    public List<UserView> list() {
        return users.list().stream().map(UserView::from).toList();
    }

    @GET
    @Path("/{id}")
    public UserView get(@RestPath @Positive long id) {
        return UserView.from(users.get(id));
    }
}
