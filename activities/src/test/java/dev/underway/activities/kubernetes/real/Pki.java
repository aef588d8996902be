package dev.underway.activities.kubernetes.real;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The test control plane's keys and certificates, made fresh for each run (BouncyCastle; EC
 * P-256, quick to generate): a CA, the API server's serving certificate for 127.0.0.1, client
 * certificates for each component's identity, and the service-account signing key. Nothing is
 * kept after the run.
 */
final class Pki {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration VALIDITY = Duration.ofDays(2);

  /** A key pair with its certificate. */
  record Issued(KeyPair keys, X509Certificate certificate) {
    String certificatePem() {
      return pem(certificate);
    }

    String privateKeyPem() {
      return Pki.privateKeyPem(keys);
    }
  }

  private final Issued ca;
  private final KeyPair serviceAccountKeys;

  Pki() {
    KeyPair caKeys = ecKeys();
    X500Name name = name("underway-test-ca", null);
    this.ca = new Issued(caKeys, sign(name, caKeys, name, caKeys, true, null, List.of()));
    this.serviceAccountKeys = ecKeys();
  }

  Issued ca() {
    return ca;
  }

  /** The API server's serving certificate: 127.0.0.1 and localhost. */
  Issued server(String commonName) {
    KeyPair keys = ecKeys();
    GeneralNames names = new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
        new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.dNSName, "kubernetes.default.svc")});
    return new Issued(keys, sign(name(commonName, null), keys, name("underway-test-ca", null),
        ca.keys(), false, names, List.of(KeyPurposeId.id_kp_serverAuth)));
  }

  /** A client certificate: the API server reads the user from CN and the group from O. */
  Issued client(String user, String group) {
    KeyPair keys = ecKeys();
    return new Issued(keys, sign(name(user, group), keys, name("underway-test-ca", null),
        ca.keys(), false, null, List.of(KeyPurposeId.id_kp_clientAuth)));
  }

  /** Writes the service-account key pair (PKCS#8 private, PKIX public) and returns the paths. */
  Path[] writeServiceAccountKeys(Path dir) throws IOException {
    Path key = write(dir.resolve("sa.key"), privateKeyPem(serviceAccountKeys));
    Path pub = write(dir.resolve("sa.pub"), pem(serviceAccountKeys.getPublic()));
    return new Path[] {key, pub};
  }

  static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
  }

  private static X500Name name(String commonName, String organisation) {
    X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
    if (organisation != null) {
      b.addRDN(BCStyle.O, organisation);
    }
    return b.addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer,
      KeyPair issuerKeys, boolean isCa, GeneralNames altNames, List<KeyPurposeId> purposes) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
          new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject,
          subjectKeys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(isCa
          ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature
          : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
      if (!isCa) {
        b.addExtension(Extension.authorityKeyIdentifier, false,
            ext.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
        b.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
      }
      if (altNames != null) {
        b.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA")
          .build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make a test certificate for " + subject, e);
    }
  }

  private static KeyPair ecKeys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String privateKeyPem(KeyPair keys) {
    try {
      return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
