package io.invalidator.user;

import io.invalidator.invalidation.InvalidationEvent;
import io.invalidator.invalidation.InvalidationEvent.UserCreated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.NotFoundException;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class UserService {

    private final Event<InvalidationEvent> events;

    UserService(Event<InvalidationEvent> events) {
        this.events = events;
    }

    @Transactional
    public User create(String name) {
        User user = new User();
        user.name = name.strip();
        user.createdAt = Instant.now();
        user.persist();
        events.fire(new UserCreated(user.id));
        return user;
    }

    public List<User> list() {
        return User.listAll(io.quarkus.panache.common.Sort.by("id"));
    }

    /** @throws NotFoundException (404) when there is no such user */
    public User get(long id) {
        return User.<User>findByIdOptional(id).orElseThrow(() -> new NotFoundException("User " + id + " not found"));
    }
}
