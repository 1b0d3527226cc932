package io.invalidator.user;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
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
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {

    public record CreateUser(@NotNull @NotBlank @Size(max = 100) String name) {
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

    @POST
    public RestResponse<UserView> create(@NotNull @Valid CreateUser request, UriInfo uri) {
        User user = users.create(request.name());
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
    public UserView get(@RestPath long id) {
        return UserView.from(users.get(id));
    }
}
