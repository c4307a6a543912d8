package io.gcgan.tensor;

import io.gcgan.backend.Lifetime;
import java.lang.foreign.Arena;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A deterministic lifetime for tensors, used with try-with-resources: every tensor created on this thread
 * while the scope is the innermost open one is freed when it closes.
 *
 * <pre>{@code
 * try (TensorScope step = TensorScope.open()) {
 *     Tensor loss = model.forward(x).mean();   // intermediates live in `step`
 *     total = step.keep(loss);                 // copied into the enclosing scope, survives the close
 * }
 * }</pre>
 *
 * Parameters and optimizer state belong in a long-lived scope; tensors created outside any scope are left to
 * the garbage collector. Scopes nest and must be closed in reverse order of opening, on the thread that
 * opened them; closing one while scopes opened inside it are still open closes those first, then this one, and
 * throws an {@link IllegalStateException} that says so. Using a tensor after its scope closed fails with an
 * {@link IllegalStateException}.
 */
public final class TensorScope implements Lifetime, AutoCloseable {

    private static final ThreadLocal<Deque<TensorScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final Thread owner = Thread.currentThread();
    private final List<Runnable> releases = new ArrayList<>();
    private Arena arena; // created on the first host allocation
    private boolean closed;

    private TensorScope() {
    }

    /** Opens a scope that becomes the current one on this thread. */
    public static TensorScope open() {
        TensorScope scope = new TensorScope();
        OPEN.get().push(scope);
        return scope;
    }

    /** The lifetime new tensors get on this thread: the innermost open scope, or the garbage collector. */
    public static Lifetime current() {
        TensorScope top = OPEN.get().peek();
        return top == null ? Lifetime.AUTOMATIC : top;
    }

    /**
     * Copies {@code t} into the lifetime enclosing this scope, so it survives this scope's close. The copy is detached
     * (it records nothing): the autograd graph that made {@code t} lives in this scope, whose close frees it, so a
     * backward pass from the copy could not run. Differentiate inside the scope and keep the results.
     */
    public Tensor keep(Tensor t) {
        Deque<TensorScope> stack = OPEN.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("keep() must be called on the innermost open scope");
        }
        stack.pop();
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            return t.copy();
        } finally {
            stack.push(this);
        }
    }

    @Override
    public Arena arena() {
        checkOpen();
        if (arena == null) {
            arena = Arena.ofShared();
        }
        return arena;
    }

    @Override
    public void onClose(Runnable release) {
        checkOpen();
        releases.add(release);
    }

    @Override
    public boolean scoped() {
        return true;
    }

    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a tensor scope must be closed by the thread that opened it ("
                    + owner.getName() + "), not " + Thread.currentThread().getName());
        }
        Deque<TensorScope> stack = OPEN.get();
        if (stack.peek() != this) {
            closeWithInnerScopes(stack);
            return;
        }
        stack.pop();
        closed = true;
        RuntimeException failure = null;
        for (int i = releases.size() - 1; i >= 0; i--) {
            try {
                releases.get(i).run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        releases.clear();
        if (arena != null) {
            arena.close();
            arena = null;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Scopes opened inside this one were left open (their close was skipped), which breaks the nesting: closes them,
     * innermost first, then this one, so that this thread's scopes are consistent again and nothing they hold leaks
     * (otherwise every later tensor on this thread would go into a scope that is never closed), and reports it.
     */
    private void closeWithInnerScopes(Deque<TensorScope> stack) {
        if (!stack.contains(this)) {
            throw new IllegalStateException("this tensor scope is not open on " + Thread.currentThread().getName());
        }
        int inner = 0;
        List<RuntimeException> failures = new ArrayList<>();
        while (stack.peek() != this) {
            inner++;
            TensorScope top = stack.peek();
            try {
                top.close(); // the innermost: pops itself before it frees anything
            } catch (RuntimeException e) {
                failures.add(e);
            }
            if (stack.peek() == top) {
                stack.pop(); // cannot happen (close pops first), but a scope left on the stack must not loop here
            }
        }
        try {
            close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        IllegalStateException violation = new IllegalStateException("tensor scopes must be closed innermost first: "
                + (inner == 1 ? "1 scope opened inside this one was" : inner + " scopes opened inside this one were")
                + " still open; closed " + (inner == 1 ? "it" : "them") + " and then this one (their tensors are"
                + " freed)");
        failures.forEach(violation::addSuppressed);
        throw violation;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tensor scope is closed");
        }
    }
}
