package dev.procreg.cluster.codec;

import java.io.IOException;
import java.io.Externalizable;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamField;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.process.NodeId;
import dev.procreg.process.Signal;

/**
 * The default {@link SignalCodec}: JDK serialization, reading back only classes of an allow-list
 * of packages, checked by an {@link ObjectInputFilter} before any object is made.
 *
 * <p>Always accepted: what the protocol itself carries, the packages {@code java.lang},
 * {@code java.util}, {@code java.time}, {@code java.math} (exactly these, not their
 * subpackages, so neither {@code java.lang.invoke.SerializedLambda} nor a dynamic proxy gets
 * through), {@code dev.procreg.process} (signals, pids, exit reasons), {@code dev.procreg.registry}
 * and {@code dev.procreg.group} (what cluster-scoped registries and group scopes replicate). Added: the configured packages and their subpackages,
 * where the application's messages live. A class outside the list is refused: the signal is
 * dropped, counted in {@link #rejections()} and logged once per class, and the codec throws
 * {@link RejectedClassException} to its transport, which carries on with the next frame.
 *
 * <p>Pids read back share one {@link NodeId} object per node, as the pids a runtime makes do.
 *
 * <p>A class is described in a frame by its name and a fingerprint of its serialized shape
 * (serialVersionUID, unless a record, and its serializable fields' names and types), not by the
 * JDK's full class descriptor: reading a full descriptor per frame was most of a decode. The
 * reader uses its own class's descriptor, so both nodes must have the same shape of each class a
 * signal carries; a class whose shape differs is refused (the signal dropped and counted by the
 * transport) rather than read by guess. Nodes of one cluster run the same message classes.
 *
 * <pre>{@code
 * SignalCodec codec = new JdkSerializationCodec(List.of("com.example.donations"));
 * }</pre>
 */
public final class JdkSerializationCodec implements SignalCodec {

	private static final Logger logger = LoggerFactory.getLogger(JdkSerializationCodec.class);

	/** The packages the protocol itself needs, accepted exactly (not their subpackages). */
	public static final Set<String> PROTOCOL_PACKAGES = Set.of("java.lang", "java.util", "java.time", "java.math",
			"dev.procreg.process", "dev.procreg.registry", "dev.procreg.group");

	private static final Pattern PACKAGE_NAME = Pattern
		.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

	private static final int MAX_DEPTH = 64;

	private static final int RECENT = 16;

	private static final int MAX_LOGGED_CLASSES = 1024;

	private static final int MAX_INTERNED_NODES = 4096;

	private static final int MAX_RESOLVED_CLASSES = 1024;

	private final List<String> allowedPackages;

	private final ClassLoader classLoader;

	private final AtomicLong rejected = new AtomicLong();

	private final ArrayDeque<String> recent = new ArrayDeque<>();

	private final Set<String> logged = ConcurrentHashMap.newKeySet();

	private final ConcurrentMap<NodeId, NodeId> nodes = new ConcurrentHashMap<>();

	/**
	 * Allowed classes by name, as the class loader resolved them: a lookup here costs less than
	 * asking the loader again (about 1 µs of each decode).
	 */
	private final ConcurrentMap<String, Class<?>> resolved = new ConcurrentHashMap<>();

	/**
	 * A codec reading classes through this class's loader.
	 * @param allowedPackages the application's packages whose classes signals may carry, with
	 * their subpackages
	 * @throws IllegalArgumentException when a package name is not one
	 */
	public JdkSerializationCodec(Collection<String> allowedPackages) {
		this(allowedPackages, JdkSerializationCodec.class.getClassLoader());
	}

	/**
	 * A codec reading classes through a given loader (an application's, in a packaged Spring
	 * Boot application).
	 * @param allowedPackages the application's packages whose classes signals may carry, with
	 * their subpackages
	 * @param classLoader the loader of the classes signals carry
	 * @throws IllegalArgumentException when a package name is not one
	 */
	public JdkSerializationCodec(Collection<String> allowedPackages, ClassLoader classLoader) {
		this.allowedPackages = checkedPackages(allowedPackages);
		if (classLoader == null) {
			throw new IllegalArgumentException("classLoader must not be null");
		}
		this.classLoader = classLoader;
	}

	/**
	 * Checks package names as an allow-list takes them.
	 * @param packages the names
	 * @return the names, as an immutable list
	 * @throws IllegalArgumentException naming the first name that is not a package name
	 */
	public static List<String> checkedPackages(Collection<String> packages) {
		if (packages == null) {
			throw new IllegalArgumentException("allowed packages must not be null (an empty list allows none)");
		}
		for (String name : packages) {
			if (name == null || !PACKAGE_NAME.matcher(name).matches()) {
				throw new IllegalArgumentException(
						"allowed package '" + name + "' is not a package name such as com.example.messages");
			}
		}
		return List.copyOf(packages);
	}

	/** @return the configured packages (the protocol's own come on top) */
	public List<String> allowedPackages() {
		return this.allowedPackages;
	}

	@Override
	public void encode(Signal signal, OutputStream out) throws IOException {
		ObjectOutputStream stream = new SignalOutputStream(out);
		stream.writeObject(signal);
		stream.flush();
	}

	@Override
	public Signal decode(InputStream in) throws IOException {
		Check check = new Check();
		SignalInputStream stream = new SignalInputStream(in, check);
		stream.setObjectInputFilter(check);
		Object read;
		try {
			read = stream.readObject();
		}
		catch (InvalidClassException ex) {
			if (check.rejectedClass != null) {
				throw rejected(check.rejectedClass);
			}
			throw ex;
		}
		catch (ClassNotFoundException ex) {
			throw new InvalidClassException(ex.getMessage(), "not found on this node");
		}
		if (!(read instanceof Signal signal)) {
			throw new StreamCorruptedException("not a signal: " + read.getClass().getName());
		}
		return signal;
	}

	@Override
	public CodecRejections rejections() {
		synchronized (this.recent) {
			return new CodecRejections(this.rejected.get(), List.copyOf(this.recent));
		}
	}

	private RejectedClassException rejected(String className) {
		this.rejected.incrementAndGet();
		synchronized (this.recent) {
			this.recent.remove(className);
			this.recent.addLast(className);
			if (this.recent.size() > RECENT) {
				this.recent.removeFirst();
			}
		}
		if (this.logged.size() < MAX_LOGGED_CLASSES && this.logged.add(className)) {
			logger.warn("Dropped a signal from another node carrying {}, a class outside the codec's allow-list "
					+ "(the protocol's packages and {}); add its package to the allowed packages to accept it "
					+ "(logged once per class)", className, this.allowedPackages);
		}
		return new RejectedClassException(className);
	}

	private boolean allowed(Class<?> type) {
		Class<?> element = type;
		while (element.isArray()) {
			element = element.getComponentType();
		}
		if (element.isPrimitive()) {
			return true;
		}
		String name = element.getPackageName();
		if (PROTOCOL_PACKAGES.contains(name)) {
			return true;
		}
		for (String allowed : this.allowedPackages) {
			if (name.equals(allowed) || (name.startsWith(allowed) && name.charAt(allowed.length()) == '.')) {
				return true;
			}
		}
		return false;
	}

	private Object resolve(Object read) {
		if (read instanceof NodeId node) {
			NodeId known = this.nodes.get(node);
			if (known != null) {
				return known;
			}
			if (this.nodes.size() < MAX_INTERNED_NODES) {
				NodeId raced = this.nodes.putIfAbsent(node, node);
				return (raced != null) ? raced : node;
			}
		}
		return read;
	}

	/** One decode's filter: remembers the class it refused, for the exception and the count. */
	private final class Check implements ObjectInputFilter {

		@Nullable String rejectedClass;

		@Override
		public Status checkInput(FilterInfo info) {
			if (info.depth() > MAX_DEPTH) {
				return Status.REJECTED;
			}
			Class<?> type = info.serialClass();
			if (type == null || allowed(type)) {
				return Status.UNDECIDED;
			}
			this.rejectedClass = type.getName();
			return Status.REJECTED;
		}

	}

	/** The fingerprint of a class's serialized shape, as both nodes compute it. */
	private static final ClassValue<Long> SHAPES = new ClassValue<>() {
		@Override
		protected Long computeValue(Class<?> type) {
			ObjectStreamClass desc = ObjectStreamClass.lookupAny(type);
			StringBuilder shape = new StringBuilder(type.getName());
			shape.append(type.isRecord() ? "|record" : "|" + desc.getSerialVersionUID());
			shape.append(Serializable.class.isAssignableFrom(type) ? "|s" : "|-");
			shape.append(Externalizable.class.isAssignableFrom(type) ? "e" : "-");
			for (ObjectStreamField field : desc.getFields()) {
				shape.append('|').append(field.getName()).append(':').append(field.getTypeString() != null
						? field.getTypeString() : String.valueOf(field.getTypeCode()));
			}
			try {
				byte[] digest = MessageDigest.getInstance("SHA-256").digest(shape.toString().getBytes(StandardCharsets.UTF_8));
				return ByteBuffer.wrap(digest).getLong();
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-256 is missing from this JDK", ex);
			}
		}
	};

	/** Describes each class by its name and shape (see the class comment). */
	private static final class SignalOutputStream extends ObjectOutputStream {

		SignalOutputStream(OutputStream out) throws IOException {
			super(out);
		}

		@Override
		protected void writeClassDescriptor(ObjectStreamClass desc) throws IOException {
			Class<?> type = desc.forClass();
			if (type == null) {
				throw new InvalidClassException(desc.getName(), "no local class to describe");
			}
			writeUTF(desc.getName());
			writeLong(SHAPES.get(type));
		}

	}

	private final class SignalInputStream extends ObjectInputStream {

		private final Check check;

		SignalInputStream(InputStream in, Check check) throws IOException {
			super(in);
			this.check = check;
			enableResolveObject(true);
		}

		@Override
		protected ObjectStreamClass readClassDescriptor() throws IOException, ClassNotFoundException {
			String name = readUTF();
			long shape = readLong();
			Class<?> type = load(name);
			if (!allowed(type)) {
				// refused before anything of the class is looked at, as the filter would
				this.check.rejectedClass = type.getName();
				throw new InvalidClassException(name, "outside the allow-list");
			}
			if (SHAPES.get(type) != shape) {
				throw new InvalidClassException(name, "the class differs between the two nodes (another version of it)");
			}
			return ObjectStreamClass.lookupAny(type);
		}

		@Override
		protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
			return load(desc.getName());
		}

		private Class<?> load(String name) throws ClassNotFoundException {
			Map<String, Class<?>> known = JdkSerializationCodec.this.resolved;
			Class<?> type = known.get(name);
			if (type != null) {
				return type;
			}
			type = Class.forName(name, false, JdkSerializationCodec.this.classLoader);
			if (known.size() < MAX_RESOLVED_CLASSES && allowed(type)) {
				known.put(name, type);
			}
			return type;
		}

		@Override
		protected Object resolveObject(Object obj) {
			return resolve(obj);
		}

	}

}
