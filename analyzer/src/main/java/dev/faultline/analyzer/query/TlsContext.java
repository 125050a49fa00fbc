package dev.faultline.analyzer.query;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.types.Password;

/**
 * The TLS context of the API from a keystore. The same keystore is the trust material of the client
 * that forwards trace queries to the other instances, which share it.
 */
public final class TlsContext {
  private TlsContext() {}

  /**
   * Loads {@code path}; fails with a message naming the file (never the password).
   *
   * @param path the keystore
   * @param password its password (and its key's), or null
   * @param type PKCS12 or JKS
   */
  public static SSLContext fromKeystore(Path path, Password password, String type)
      throws IOException {
    char[] secret =
        password == null || password.value() == null ? new char[0] : password.value().toCharArray();
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, secret);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, secret);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      // The message of a wrong password is "keystore password was incorrect": no secret in it.
      throw new IOException(
          "cannot use the API keystore " + path + " (faultline.api.tls.keystore.*): " + e, e);
    }
  }
}
